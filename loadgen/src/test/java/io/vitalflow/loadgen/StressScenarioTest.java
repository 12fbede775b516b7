package io.vitalflow.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vitalflow.loadgen.report.RunReport;

/** The breaking-point search against the in-memory FHIR fake, made to answer 503 above a fixed rate. */
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
    StressOptions options = StressOptions.parse(Flags.parse(new String[] {
        "--fhir-url=" + fake.url(), "--seed-patients=100",
        "--seed-batch=50", "--start-rate=40", "--growth=2", "--step-duration=2s", "--pause=0s", "--refine=1",
        "--break-error-rate=5%", "--break-p99=2s"}, 0));

    StressScenario.Result result = new StressScenario(options, new PrintStream(new ByteArrayOutputStream())).run();

    // 40 and 80/s hold; 160/s is far over the fake's 100/s; the bisection step at 120/s breaks too
    assertThat(result.steps()).extracting(StressScenario.Step::rate).containsExactly(40, 80, 160, 120);
    assertThat(result.steps()).extracting(StressScenario.Step::held).containsExactly(true, true, false, false);
    StressScenario.Step broken = result.steps().get(3);
    assertThat(broken.broken()).startsWith("error rate").contains("HTTP 503");
    assertThat(fake.overloaded.get()).isPositive();

    RunReport report = result.report();
    assertThat(report.results().get(0)).isEqualTo(new RunReport.Result("breaking point",
        "held 80/s; broke at 120/s: " + broken.broken()));
    assertThat(report.operations()).extracting(RunReport.OperationSummary::name)
        .containsExactly("40/s", "80/s", "160/s", "120/s");
    assertThat(report.timeline()).isSortedAccordingTo(
        (a, b) -> Double.compare(a.atSeconds(), b.atSeconds()));
  }

  @Test
  void flagsOfOtherModelsAreRefused() {
    assertThatThrownBy(() -> StressOptions.parse(Map.of("stages", "10s:5")))
        .hasMessageStartingWith("--stages does not apply to stress");
    assertThatThrownBy(() -> StressOptions.parse(Map.of("p99", "1s")))
        .hasMessageStartingWith("--p99 does not apply to stress");
    assertThatThrownBy(() -> StressOptions.parse(Map.of("growth", "1")))
        .hasMessage("--growth must be above 1 and at most 10, got 1");
    assertThatThrownBy(() -> StressOptions.parse(Map.of("start-rate", "500", "max-rate", "100")))
        .hasMessage("--max-rate (100) is below --start-rate (500)");
    assertThatThrownBy(() -> StressOptions.parse(Map.of("step", "5")))
        .hasMessageStartingWith("unknown flag --step ");
  }

  @Test
  void commandLineErrorIsOneLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Loadgen.run(new String[] {"stress", "--growth=fast"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("loadgen stress: --growth must be a factor such as 1.5, got 'fast' (run loadgen without arguments"
            + " for usage)");
  }
}
