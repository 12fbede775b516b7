package io.vitalflow.loadgen.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.Loadgen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole scenario through {@code loadgen abuse} against an in-process fake that holds (exit 0)
 * and one that does not (exit 1, naming every broken check), plus the exit code 2 cases.
 */
class AbuseScenarioTest {

  @TempDir Path reports;

  @Test
  void aPlatformThatHoldsPassesAndTheReportSaysWhatTheServerAnswered() throws Exception {
    try (FakeAbusePlatform fake = new FakeAbusePlatform(true)) {
      Run run = abuse(fake);

      assertThat(run.code()).as(run.output()).isZero();
      String report = markdown();
      assertThat(report)
          .contains(
              "slowloris: ended by the server",
              "slow bodies: ended by the server",
              "connection flood: connections",
              "HTTP 408",
              "closed without an answer",
              "poison fhir-long-family-name: answers",
              "HTTP 422",
              "poison ingest-gzip-bomb: answers",
              "HTTP 415",
              "ingest-reused-reading-id",
              "every acknowledged reading stored",
              "PASS");
      assertThat(fake.hostile.get()).isPositive();
      assertThat(Files.list(reports).filter(p -> p.toString().endsWith(".html")).count()).isOne();
    }
  }

  @Test
  void aPlatformThatDoesNotHoldFailsOnEveryBrokenRule() throws Exception {
    try (FakeAbusePlatform fake = new FakeAbusePlatform(false)) {
      Run run = abuse(fake);

      assertThat(run.code()).as(run.output()).isEqualTo(1);
      String report = markdown();
      String verdict = report.lines().filter(line -> line.contains("FAIL:")).findFirst().orElse("");
      assertThat(verdict)
          .as(report)
          .contains(
              "every acknowledged reading stored",
              "no acknowledged reading stored twice",
              "poison writes refused with a 4xx",
              "HTTP 500",
              "slowloris ended by the server within 2 s",
              "slow bodies ended by the server within 2 s")
          .doesNotContain("every service healthy");
    }
  }

  @Test
  void badFlagsAndAnUnreachablePlatformAreExitCode2() throws Exception {
    Run bad = run("abuse", "--flood=lots");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.output()).contains("loadgen abuse: --flood must be a whole number, got 'lots'");

    Run unreachable =
        run(
            "abuse",
            "--ingest-url=http://127.0.0.1:9",
            "--fhir-url=http://127.0.0.1:9/fhir",
            "--processor-url=off",
            "--dashboard-url=off",
            "--duration=1s");
    assertThat(unreachable.code()).isEqualTo(2);
    assertThat(unreachable.output())
        .contains("cannot reach ingest-gateway at http://127.0.0.1:9/actuator/health");
  }

  private Run abuse(FakeAbusePlatform fake) throws Exception {
    // shorter than the default limits throughout: the fake ends slow connections after 0.7 s
    return run(
        "abuse",
        "--ingest-url=" + fake.base(),
        "--fhir-url=" + fake.base() + "/fhir",
        "--api-url=" + fake.base(),
        "--processor-url=off",
        "--dashboard-url=" + fake.base().replace("http", "ws"),
        "--duration=4s",
        "--slowloris=20",
        "--slowloris-every=100ms",
        "--slow-bodies=5",
        "--flood=100",
        "--flood-ramp=200",
        "--flood-hold=1s",
        "--poison-rate=20",
        "--rate=20",
        "--patients=5",
        "--header-within=2s",
        "--body-within=2s",
        "--recovery-timeout=5s",
        "--verify-timeout=3s",
        "--progress=1s");
  }

  record Run(int code, String output) {}

  private Run run(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--report-dir=" + reports);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Loadgen.run(all.toArray(String[]::new), stream, stream);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
  }

  private String markdown() throws IOException {
    try (Stream<Path> files = Files.list(reports)) {
      Path md =
          files
              .filter(
                  p ->
                      p.getFileName().toString().startsWith("abuse-")
                          && p.toString().endsWith(".md"))
              .findFirst()
              .orElseThrow();
      return Files.readString(md);
    }
  }
}
