package io.vitalflow.loadgen.interactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.TestArgs;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.interactions.InteractionsOptions.Part;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractionsOptionsTest {

  @Test
  void defaultsAreAQuickRunOfEveryPart() {
    InteractionsOptions options = InteractionsCommand.parse();

    assertThat(options.parts()).containsExactlyInAnyOrder(Part.values());
    assertThat(options.forks()).isEqualTo(1);
    assertThat(options.threads()).isEqualTo(1);
    assertThat(options.warmup()).isEqualTo(2);
    assertThat(options.iterations()).isEqualTo(3);
    assertThat(options.time()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.coldRuns()).isEqualTo(5);
    assertThat(options.reloadRuns()).isEqualTo(20);
    assertThat(options.cdsService())
        .isEqualTo(
            URI.create("http://127.0.0.1:8082/cds-services/vitalflow-drug-interactions-select"));
    assertThat(options.discovery()).isEqualTo(URI.create("http://127.0.0.1:8082/cds-services"));
    assertThat(options.serviceId()).isEqualTo("vitalflow-drug-interactions-select");
    assertThat(options.model()).isInstanceOf(LoadModel.Closed.class);
    assertThat(options.reportDir()).isEqualTo(Path.of("loadgen-reports"));
  }

  @Test
  void threadsIsAPositiveCount() {
    assertThat(InteractionsCommand.parse("--threads=4").threads()).isEqualTo(4);
    assertThatThrownBy(() -> InteractionsCommand.parse("--threads=0"))
        .hasMessageContaining("--threads");
  }

  @Test
  void readsEveryFlag() {
    InteractionsOptions options =
        InteractionsCommand.parse(
            TestArgs.of(
                Map.ofEntries(
                    Map.entry("which", "hot, http"),
                    Map.entry("forks", "0"),
                    Map.entry("warmup", "0"),
                    Map.entry("iterations", "7"),
                    Map.entry("time", "250ms"),
                    Map.entry("cold-runs", "30"),
                    Map.entry("reload-runs", "100"),
                    Map.entry("fhir-url", "http://fhir.example:9000/fhir/"),
                    Map.entry("service", "vitalflow-drug-interactions-sign"),
                    Map.entry("model", "open"),
                    Map.entry("rates", "5s:100"),
                    Map.entry("max-in-flight", "8"),
                    Map.entry("max-error-rate", "0"),
                    Map.entry("timeout", "2s"),
                    Map.entry("progress", "1s"),
                    Map.entry("report-dir", "/tmp/r"))));

    assertThat(options.parts()).containsExactlyInAnyOrder(Part.HOT, Part.HTTP);
    assertThat(options.runs(Part.COLD)).isFalse();
    assertThat(options.forks()).isZero();
    assertThat(options.iterations()).isEqualTo(7);
    assertThat(options.time()).isEqualTo(Duration.ofMillis(250));
    assertThat(options.coldRuns()).isEqualTo(30);
    assertThat(options.reloadRuns()).isEqualTo(100);
    assertThat(options.cdsService())
        .isEqualTo(
            URI.create("http://fhir.example:9000/cds-services/vitalflow-drug-interactions-sign"));
    assertThat(options.model())
        .isEqualTo(new LoadModel.Open(io.vitalflow.loadgen.engine.Stages.parse("5s:100"), 8));
    assertThat(options.thresholds().maxErrorRate()).isZero();
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.reportDir()).isEqualTo(Path.of("/tmp/r"));
  }

  @Test
  void rejectsBadFlagsWithOneLine() {
    assertRejected(Map.of("wich", "hot"), "unknown flag --wich");
    assertRejected(
        Map.of("which", "hot,warm"),
        "--which takes a comma-separated list of hot, cold, reload, http");
    assertRejected(Map.of("which", ""), "--which");
    assertRejected(Map.of("forks", "-1"), "--forks must be at least 0");
    assertRejected(Map.of("iterations", "0"), "--iterations must be at least 1");
    assertRejected(Map.of("time", "0s"), "--time must be longer than 0");
    assertRejected(Map.of("cold-runs", "many"), "--cold-runs must be a whole number");
    assertRejected(Map.of("service", "a/b"), "--service must be a CDS service id");
    assertRejected(Map.of("fhir-url", "ftp://x"), "--fhir-url must be an http(s) URL");
    assertRejected(
        Map.of("stages", "5s:1", "model", "open"), "--stages does not apply to --model=open");
  }

  private static void assertRejected(Map<String, String> flags, String message) {
    assertThatThrownBy(() -> InteractionsCommand.parse(TestArgs.of(flags)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .message()
        .doesNotContain("\n");
  }
}
