package io.vitalflow.loadgen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

  /**
   * 1,000 requests of 1 ms .. 1000 ms in 1 ms steps (recorded in microseconds), {@code errors} of
   * them failed.
   */
  private static OperationSummary oneToThousandMillis(long errors) {
    Histogram histogram = new Histogram(3);
    for (int ms = 1; ms <= 1000; ms++) {
      histogram.recordValue(ms * 1000L);
    }
    return new OperationSummary("all", 1000, errors, Map.of(), histogram, 10);
  }

  private static List<Boolean> held(List<ThresholdResult> results) {
    return results.stream().map(ThresholdResult::held).toList();
  }

  @Test
  void passesWhenEveryLimitHolds() {
    Thresholds thresholds = new Thresholds(Duration.ofMillis(960), Duration.ofMillis(1000), 0.01);
    assertThat(held(thresholds.evaluate(oneToThousandMillis(10))))
        .containsExactly(true, true, true);
  }

  @Test
  void percentileLimitsAreStrictLikeK6() {
    OperationSummary all = oneToThousandMillis(0);
    // p95 is about 950 ms (3 significant digits): "p(95) < 950" is broken, "< 951" holds
    List<ThresholdResult> at950 = new Thresholds(Duration.ofMillis(950), null, 1).evaluate(all);
    assertThat(at950.get(0).limit()).isEqualTo("p95 < 950 ms");
    assertThat(at950.get(0).actual()).startsWith("950.");
    assertThat(at950.get(0).held()).isFalse();
    assertThat(held(new Thresholds(Duration.ofMillis(951), null, 1).evaluate(all)))
        .containsExactly(true, true);
    assertThat(held(new Thresholds(null, Duration.ofMillis(100), 1).evaluate(all)))
        .containsExactly(false, true);
  }

  @Test
  void errorRateAboveTheLimitBreaks() {
    Thresholds thresholds = new Thresholds(null, null, 0.01);
    assertThat(thresholds.evaluate(oneToThousandMillis(10)))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.held()).isTrue();
              assertThat(t.limit()).isEqualTo("error rate <= 1%");
            });
    assertThat(thresholds.evaluate(oneToThousandMillis(11)))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.held()).isFalse();
              assertThat(t.actual()).isEqualTo("1.100% (11 of 1,000)");
            });
  }

  @Test
  void everyBrokenLimitIsReportedAndARunWithoutRequestsBreaksThemAll() {
    Thresholds thresholds = new Thresholds(Duration.ofMillis(1), Duration.ofMillis(1), 0);
    assertThat(held(thresholds.evaluate(oneToThousandMillis(1))))
        .containsExactly(false, false, false);
    OperationSummary none = new OperationSummary("all", 0, 0, Map.of(), new Histogram(3), 10);
    assertThat(thresholds.evaluate(none)).extracting(ThresholdResult::held).containsOnly(false);
    assertThat(thresholds.evaluate(none).get(2).actual()).isEqualTo("no request completed");
  }

  @Test
  void describesItself() {
    assertThat(new Thresholds(Duration.ofMillis(100), null, 0.01))
        .hasToString("p95 < 100 ms, p99 off, error rate <= 1%");
  }
}
