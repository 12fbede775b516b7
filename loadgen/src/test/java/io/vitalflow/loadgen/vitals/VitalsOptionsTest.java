package io.vitalflow.loadgen.vitals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.TestArgs;
import io.vitalflow.loadgen.auth.Auth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VitalsOptionsTest {

  @Test
  void defaultsAreTheOnesTheScenarioAlwaysHad() {
    VitalsOptions options = VitalsCommand.parse();

    assertThat(options)
        .isEqualTo(
            new VitalsOptions(
                URI.create("http://127.0.0.1:8081"),
                60_000,
                Duration.ofSeconds(60),
                5000,
                500,
                32,
                "jdbc:postgresql://127.0.0.1:54329/vitalflow",
                "postgres",
                "postgres",
                Duration.ofSeconds(120),
                Path.of("loadgen-reports"),
                Auth.none("no --token-url, and no platform running on .vitalflow")));
  }

  @Test
  void readsEveryFlag() {
    VitalsOptions options =
        VitalsCommand.parse(
            TestArgs.of(
                Map.ofEntries(
                    Map.entry("url", "http://gw:9081/"),
                    Map.entry("rate", "10_000"),
                    Map.entry("duration", "2m"),
                    Map.entry("patients", "50"),
                    Map.entry("batch", "100"),
                    Map.entry("concurrency", "8"),
                    Map.entry("jdbc-url", "jdbc:postgresql://db/x"),
                    Map.entry("jdbc-user", "u"),
                    Map.entry("jdbc-password", "p"),
                    Map.entry("drain-timeout", "5s"),
                    Map.entry("report-dir", "out"))));

    assertThat(options)
        .isEqualTo(
            new VitalsOptions(
                URI.create("http://gw:9081"),
                10_000,
                Duration.ofMinutes(2),
                50,
                100,
                8,
                "jdbc:postgresql://db/x",
                "u",
                "p",
                Duration.ofSeconds(5),
                Path.of("out"),
                Auth.none("no --token-url, and no platform running on .vitalflow")));
  }

  @Test
  void rejectsBadFlagsWithOneLine() {
    assertRejected(Map.of("rte", "5"), "unknown flag --rte (known: --batch, --client-id");
    assertRejected(Map.of("rate", "fast"), "--rate must be a whole number, got 'fast'");
    assertRejected(Map.of("batch", "0"), "--batch must be at least 1");
    assertRejected(Map.of("duration", "soon"), "--duration must be a duration");
    assertRejected(Map.of("url", "gw:8081"), "--url must be an http(s) URL");
    assertRejected(
        Map.of("jdbc-url", "postgres://db"), "--jdbc-url must be a jdbc:postgresql: URL");
  }

  @Test
  void loadgenTurnsABadFlagIntoOneLineAndExitCode2() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {"vitals", "--rate=lots"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith("loadgen vitals: --rate must be")
        .doesNotContain("\n");
  }

  private static void assertRejected(Map<String, String> flags, String message) {
    assertThatThrownBy(() -> VitalsCommand.parse(TestArgs.of(flags)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .message()
        .doesNotContain("\n");
  }
}
