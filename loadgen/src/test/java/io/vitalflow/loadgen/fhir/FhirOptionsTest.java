package io.vitalflow.loadgen.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.engine.Think;
import io.vitalflow.loadgen.engine.Thresholds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FhirOptionsTest {

  private static FhirOptions parse(String... args) {
    return FhirCommand.parse(args);
  }

  @Test
  void defaultsAreTheReplacedSystemsScenarioScaledToThisMachine() {
    FhirOptions options = FhirCommand.parse();
    assertThat(options.fhirBase()).hasToString("http://127.0.0.1:8082/fhir");
    assertThat(options.seedPatients()).isEqualTo(100_000);
    assertThat(options.seedBatch()).isEqualTo(500);
    assertThat(options.model())
        .isEqualTo(
            new LoadModel.Closed(
                Stages.parse("30s:200,120s:200,10s:0"),
                new Think(Duration.ofMillis(100), Duration.ofMillis(100))));
    assertThat(options.mix()).isEqualTo(new OperationMix(60, 30, 10));
    assertThat(options.thresholds())
        .isEqualTo(new Thresholds(Duration.ofMillis(100), Duration.ofMillis(200), 0.01));
    assertThat(options.resolve("Patient")).hasToString("http://127.0.0.1:8082/fhir/Patient");
  }

  @Test
  void readsEveryFlag() {
    FhirOptions options =
        parse(
            "--fhir-url=http://localhost:9000/base/fhir/",
            "--seed-patients=1_000",
            "--seed-batch=100",
            "--seed-concurrency=2",
            "--stages=5s:10,5s:0",
            "--think=50ms-150ms",
            "--mix=80,15,5",
            "--p95=off",
            "--p99=1s",
            "--max-error-rate=0.5%",
            "--timeout=2s",
            "--progress=1s");
    assertThat(options.resolve("metadata")).hasToString("http://localhost:9000/base/fhir/metadata");
    assertThat(options.seedPatients()).isEqualTo(1000);
    assertThat(((LoadModel.Closed) options.model()).think())
        .isEqualTo(new Think(Duration.ofMillis(50), Duration.ofMillis(150)));
    assertThat(options.thresholds()).isEqualTo(new Thresholds(null, Duration.ofSeconds(1), 0.005));
    assertThat(options.timeout()).hasSeconds(2);
  }

  @Test
  void theOpenModelTakesRatesAndAnInFlightLimit() {
    FhirOptions options = parse("--model=open", "--rates=5s:1000,20s:1000", "--max-in-flight=64");
    assertThat(options.model()).isEqualTo(new LoadModel.Open(Stages.parse("5s:1000,20s:1000"), 64));
    assertThatThrownBy(() -> parse("--model=open", "--think=10ms"))
        .hasMessage("--think does not apply to --model=open");
    assertThatThrownBy(() -> parse("--rates=5s:10"))
        .hasMessage("--rates does not apply to --model=closed");
    assertThatThrownBy(() -> parse("--model=open", "--rates=5s:0"))
        .hasMessageContaining("every stage has rate 0");
    assertThatThrownBy(() -> parse("--model=poisson"))
        .hasMessage("--model must be closed or open, got 'poisson'");
  }

  @Test
  void badFlagsGetOneMessageNamingTheFlag() {
    assertThatThrownBy(() -> parse("--seed-patiens=10"))
        .hasMessageStartingWith("unknown flag --seed-patiens");
    assertThatThrownBy(() -> parse("--seed-patients=lots"))
        .hasMessage("--seed-patients must be a whole number, got 'lots'");
    assertThatThrownBy(() -> parse("--seed-batch=0"))
        .hasMessage("--seed-batch must be at least 1, got 0");
    assertThatThrownBy(() -> parse("--think=fast"))
        .hasMessageContaining("think must be a duration");
    assertThatThrownBy(() -> parse("--think=200ms-100ms"))
        .hasMessageContaining("ends before it starts");
    assertThatThrownBy(() -> parse("--p95=-5ms"))
        .hasMessageContaining("--p95 must not be negative");
    assertThatThrownBy(() -> parse("--max-error-rate=2")).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> parse("--fhir-url=ftp://x/fhir")).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> parse("--fhir-url=http://a b")).hasMessageContaining("not a URL");
    assertThatThrownBy(() -> parse("--timeout=0s")).hasMessageContaining("longer than 0");
    assertThatThrownBy(() -> parse("--stages"))
        .hasMessageContaining("Missing required parameter for option '--stages'");
  }

  @Test
  void commandLineErrorsAreOneLineAndExitTwo() throws Exception {
    assertOneLineExitTwo(
        new String[] {"fhir", "--stages=abc"},
        "loadgen fhir: --stages: 'abc' is not DURATION:TARGET");
    assertOneLineExitTwo(
        new String[] {"fhir", "seed"},
        "loadgen fhir: unexpected argument 'seed' (flags are written --name=value)");
    assertOneLineExitTwo(new String[] {"vitals", "--rate=many"}, "loadgen vitals: ");
  }

  @Test
  void unreachableServerIsOneLineAndExitTwo() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    assertOneLineExitTwo(
        new String[] {"fhir", "--fhir-url=http://127.0.0.1:" + closedPort + "/fhir"},
        "loadgen fhir: cannot reach http://127.0.0.1:" + closedPort + "/fhir: connection refused");
  }

  @Test
  void withoutAScenarioPrintsUsage() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {"k6"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith(
            "loadgen: unknown scenario 'k6' (known: vitals,"
                + " fhir, stress, dashboard, interactions, seed, vitals-query, abuse, suite")
        .doesNotContain("\n");
  }

  private static void assertOneLineExitTwo(String[] args, String expectedStart) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            args,
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(2);
    assertThat(message).startsWith(expectedStart).doesNotContain("\tat ");
    assertThat(message.strip().lines()).hasSize(1);
  }
}
