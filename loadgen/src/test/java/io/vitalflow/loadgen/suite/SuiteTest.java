package io.vitalflow.loadgen.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.FakePlatform;
import io.vitalflow.loadgen.Loadgen;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadgen suite}: its flags, and a short suite against {@link FakePlatform}. */
class SuiteTest {

  private FakePlatform fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakePlatform();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void everyScenarioGetsTheSharedAddressesAndItsOverrides() {
    SuiteOptions options =
        SuiteCommand.parse(
            "--scenarios=seed,fhir",
            "--fhir-url=http://h:1/fhir",
            "--ingest-url=http://h:2",
            "--duration=30s",
            "--fhir.think=5ms",
            "--fhir.mix=80,20,0",
            "--report-dir=out");

    assertThat(options.runs()).extracting(Map.Entry::getKey).containsExactly("seed", "fhir");
    Map<String, String> fhir = options.runs().get(1).getValue();
    assertThat(fhir)
        .containsEntry("fhir-url", "http://h:1/fhir")
        .containsEntry("mix", "80,20,0")
        .containsEntry("stages", "10s:100,30s:100,5s:0")
        .containsEntry("report-dir", "out");
    assertThat(options.runs().get(0).getValue()).containsEntry("ingest-url", "http://h:2");
    assertThat(options.reportDir()).isEqualTo(Path.of("out"));
  }

  @Test
  void badFlagsOfAnyScenarioFailBeforeAnythingRuns() {
    assertThatThrownBy(() -> SuiteCommand.parse("--fhir.stages=soon"))
        .hasMessageStartingWith("fhir: --stages: 'soon' is not DURATION:TARGET");
    assertThatThrownBy(() -> SuiteCommand.parse("--dashbord.connections=5"))
        .hasMessageStartingWith("--dashbord.connections: no scenario 'dashbord'");
    assertThatThrownBy(() -> SuiteCommand.parse("--scenarios=fhir", "--seed.patients=5"))
        .hasMessage("--seed.* given, but seed is not in --scenarios");
    assertThatThrownBy(() -> SuiteCommand.parse("--scenarios=fhir,fhir"))
        .hasMessage("--scenarios: fhir is listed twice");
    assertThatThrownBy(() -> SuiteCommand.parse("--rate=5"))
        .hasMessageStartingWith("unknown flag --rate");
  }

  @Test
  void runsTheScenariosInOrderAndWritesEachReportAndTheSuite(@TempDir Path reports)
      throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    int exit =
        Loadgen.run(
            new String[] {
              "suite",
              "--scenarios=seed,vitals-query",
              "--fhir-url=" + fake.base() + "/fhir",
              "--api-url=" + fake.base(),
              "--ingest-url=" + fake.base(),
              "--patients=20",
              "--vitals-patients=2",
              "--duration=1s",
              "--seed.vitals-days=1",
              "--seed.vitals-every=30m",
              "--vitals-query.stages=1s:2",
              "--vitals-query.p95=5s",
              "--vitals-query.p99=5s",
              "--report-dir=" + reports
            },
            out,
            out);

    String console = output.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(console).isZero();
    assertThat(console.indexOf("=== suite 1/2: seed"))
        .isLessThan(console.indexOf("=== suite 2/2: vitals-query"));
    assertThat(console).contains("suite: every scenario met its goals");
    try (Stream<Path> files = Files.list(reports)) {
      List<String> names = files.map(f -> f.getFileName().toString()).toList();
      assertThat(names)
          .anyMatch(f -> f.startsWith("seed-") && f.endsWith(".html"))
          .anyMatch(f -> f.startsWith("vitals-query-") && f.endsWith(".md"))
          .anyMatch(f -> f.startsWith("suite-") && f.endsWith(".html"))
          .anyMatch(f -> f.startsWith("suite-") && f.endsWith(".md"));
    }
  }
}
