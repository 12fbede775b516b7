package io.vitalflow.loadgen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

  /** 1,000 latencies: 1 ms .. 1000 ms in 1 ms steps, recorded in microseconds. */
  private static Histogram oneToThousandMillis() {
    Histogram histogram = new Histogram(3);
    for (int ms = 1; ms <= 1000; ms++) {
      histogram.recordValue(ms * 1000L);
    }
    return histogram;
  }

  @Test
  void passesWhenEveryLimitHolds() {
    Thresholds thresholds = new Thresholds(Duration.ofMillis(960), Duration.ofMillis(1000), 0.01);
    assertThat(thresholds.violations(oneToThousandMillis(), 1000, 10)).isEmpty();
  }

  @Test
  void percentileLimitsAreStrictLikeK6() {
    Histogram latency = oneToThousandMillis();
    // p95 is 950 ms: "p(95) < 950" is broken, "< 951" holds
    assertThat(new Thresholds(Duration.ofMillis(950), null, 1).violations(latency, 1000, 0))
        .singleElement().asString().startsWith("p95 950.");
    assertThat(new Thresholds(Duration.ofMillis(951), null, 1).violations(latency, 1000, 0)).isEmpty();
    assertThat(new Thresholds(null, Duration.ofMillis(100), 1).violations(latency, 1000, 0))
        .singleElement().asString().startsWith("p99 ");
  }

  @Test
  void errorRateAboveTheLimitBreaks() {
    Thresholds thresholds = new Thresholds(null, null, 0.01);
    assertThat(thresholds.violations(oneToThousandMillis(), 1000, 10)).isEmpty();
    assertThat(thresholds.violations(oneToThousandMillis(), 1000, 11))
        .containsExactly("error rate 1.100% > 1.000%");
  }

  @Test
  void reportsEveryBrokenLimitAndARunWithoutRequests() {
    Thresholds thresholds = new Thresholds(Duration.ofMillis(1), Duration.ofMillis(1), 0);
    assertThat(thresholds.violations(oneToThousandMillis(), 1000, 1)).hasSize(3);
    assertThat(thresholds.violations(new Histogram(3), 0, 0)).containsExactly("no request completed");
  }

  @Test
  void describesItself() {
    assertThat(new Thresholds(Duration.ofMillis(100), null, 0.01))
        .hasToString("p95 < 100 ms, p99 off, error rate <= 1%");
  }
}
