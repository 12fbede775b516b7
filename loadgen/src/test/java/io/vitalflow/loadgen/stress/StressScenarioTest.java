package io.vitalflow.loadgen.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.fhir.FhirBenchmarkTest;
import io.vitalflow.loadgen.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The breaking-point search against the in-memory FHIR fake, made to answer 503 above a fixed rate.
 */
class StressScenarioTest {

  private FhirBenchmarkTest.FakeFhir fake;

  @BeforeEach
  void start() throws IOException {
    fake = FhirBenchmarkTest.FakeFhir.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void findsTheRateWhereTheServerStartsRefusingAndSaysWhy() throws Exception {
    fake.capacityPerSecond = 100;
    StressOptions options =
        StressCommand.parse(
            new String[] {
              "--fhir-url=" + fake.url(),
              "--seed-patients=100",
              "--seed-batch=50",
              "--start-rate=40",
              "--growth=2",
              "--step-duration=2s",
              "--pause=0s",
              "--refine=1",
              "--break-error-rate=5%",
              "--break-p99=2s"
            });

    StressScenario.Result result =
        new StressScenario(options, new PrintStream(new ByteArrayOutputStream())).run();

    // 40 and 80/s hold; 160/s is far over the fake's 100/s; the bisection step at 120/s breaks too
    assertThat(result.steps())
        .extracting(StressScenario.Step::rate)
        .containsExactly(40, 80, 160, 120);
    assertThat(result.steps())
        .extracting(StressScenario.Step::held)
        .containsExactly(true, true, false, false);
    StressScenario.Step broken = result.steps().get(3);
    assertThat(broken.broken()).startsWith("error rate").contains("HTTP 503");
    assertThat(fake.overloaded.get()).isPositive();

    RunReport report = result.report();
    assertThat(report.results().get(0))
        .isEqualTo(
            new RunReport.Result(
                "breaking point", "held 80/s; broke at 120/s: " + broken.broken()));
    assertThat(report.operations())
        .extracting(RunReport.OperationSummary::name)
        .containsExactly("40/s", "80/s", "160/s", "120/s");
    assertThat(report.timeline())
        .isSortedAccordingTo((a, b) -> Double.compare(a.atSeconds(), b.atSeconds()));
  }

  /**
   * The exit code reflects the breaking point: against the fake's 100/s, 40/s holds and 160/s
   * breaks, so an expectation of 150/s fails the run (exit 1, the report's threshold not held) and
   * one of 40/s passes it (run without the limit: on a loaded machine 40/s against a 100/s fake can
   * break).
   */
  @Test
  void exitCodeSaysWhetherTheBreakingPointIsAboveTheExpectation(@TempDir Path reports)
      throws Exception {
    fake.capacityPerSecond = 100;
    String[] shortSearch = {
      "--fhir-url=" + fake.url(),
      "--seed-patients=100",
      "--seed-batch=50",
      "--start-rate=40",
      "--growth=4",
      "--max-rate=200",
      "--step-duration=2s",
      "--pause=0s",
      "--refine=0",
      "--break-error-rate=5%",
      "--break-p99=2s",
      "--report-dir=" + reports
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int below =
        Loadgen.run(
            with(shortSearch, "stress", "--expect-at-least=150"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()));

    assertThat(below)
        .as("the breaking point (160/s) is below the expected 150/s held")
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("stress: 40/s held")
        .contains("stress: 160/s BROKE")
        .contains("stress: expected a step of at least 150/s to hold: NOT MET");
    assertThat(Files.readString(onlyMarkdownReport(reports)))
        .contains("a step of at least 150/s held");

    // without a capacity limit nothing breaks but an overloaded machine, so the run passes on any
    // CI host
    fake.capacityPerSecond = 0;
    int above =
        Loadgen.run(
            with(shortSearch, "stress", "--expect-at-least=40"),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(new ByteArrayOutputStream()));
    assertThat(above).as("40/s held, as expected").isZero();
  }

  @Test
  void withoutAnExpectationAnyRunThatRanAStepPasses() throws Exception {
    fake.capacityPerSecond = 10;
    StressOptions options =
        StressCommand.parse(
            new String[] {
              "--fhir-url=" + fake.url(),
              "--seed-patients=100",
              "--seed-batch=50",
              "--start-rate=40",
              "--step-duration=1s",
              "--pause=0s"
            });

    StressScenario.Result result =
        new StressScenario(options, new PrintStream(new ByteArrayOutputStream())).run();

    assertThat(result.steps()).extracting(StressScenario.Step::held).containsExactly(false);
    assertThat(result.passed())
        .as("the search is the result; exit 0 as before --expect-at-least")
        .isTrue();
    assertThat(result.report().thresholds()).isEmpty();
  }

  @Test
  void flagsOfOtherModelsAreRefused() {
    assertThatThrownBy(() -> StressCommand.parse("--stages=10s:5"))
        .hasMessageStartingWith("--stages does not apply to stress");
    assertThatThrownBy(() -> StressCommand.parse("--p99=1s"))
        .hasMessageStartingWith("--p99 does not apply to stress");
    assertThatThrownBy(() -> StressCommand.parse("--growth=1"))
        .hasMessage("--growth must be above 1 and at most 10, got 1");
    assertThatThrownBy(() -> StressCommand.parse("--start-rate=500", "--max-rate=100"))
        .hasMessage("--max-rate (100) is below --start-rate (500)");
    assertThatThrownBy(() -> StressCommand.parse("--step=5"))
        .hasMessageStartingWith("unknown flag --step ");
    assertThatThrownBy(() -> StressCommand.parse("--expect-at-least=0"))
        .hasMessage("--expect-at-least must be at least 1, got 0");
    assertThatThrownBy(() -> StressCommand.parse("--expect-at-least=500", "--max-rate=400"))
        .hasMessage("--expect-at-least (500) is above --max-rate (400): no step could meet it");
  }

  @Test
  void commandLineErrorIsOneLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {"stress", "--growth=fast"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "loadgen stress: --growth must be a factor such as 1.5, got 'fast' (loadgen stress"
                + " --help)");

    ByteArrayOutputStream expectErr = new ByteArrayOutputStream();
    int expectCode =
        Loadgen.run(
            new String[] {"stress", "--expect-at-least=fast"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(expectErr, true, StandardCharsets.UTF_8));
    assertThat(expectCode).isEqualTo(2);
    assertThat(expectErr.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "loadgen stress: --expect-at-least must be a whole number, got 'fast' (loadgen stress"
                + " --help)");
  }

  private static String[] with(String[] flags, String scenario, String... more) {
    String[] args = new String[flags.length + more.length + 1];
    args[0] = scenario;
    System.arraycopy(flags, 0, args, 1, flags.length);
    System.arraycopy(more, 0, args, flags.length + 1, more.length);
    return args;
  }

  private static Path onlyMarkdownReport(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> markdown = files.filter(f -> f.getFileName().toString().endsWith(".md")).toList();
      assertThat(markdown).hasSize(1);
      return markdown.get(0);
    }
  }
}
