package io.vitalflow.loadgen.interactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;

/** The JMH-to-report conversion, on hand-made raw values. */
class JmhMeasurementTest {

  @Test
  void sampledNanosecondCallsBecomeAMicrosecondHistogramRoundedUpAndExactPercentiles() {
    JmhMeasurement m =
        new JmhMeasurement(
            "hot 3 meds: plugin AOT",
            Mode.SampleTime,
            TimeUnit.NANOSECONDS,
            new TreeMap<>(Map.of(400.0, 60L, 480.0, 30L, 900.0, 9L, 23_100.0, 1L)),
            2_000_000,
            1.0,
            520.0,
            15.0);

    OperationSummary summary = m.toSummary();

    assertThat(summary.name()).isEqualTo("hot 3 meds: plugin AOT");
    assertThat(summary.count()).isEqualTo(2_000_000);
    assertThat(summary.errors()).isZero();
    assertThat(summary.perSecond()).isEqualTo(2_000_000.0);
    assertThat(summary.latencyMicros().getTotalCount()).isEqualTo(100);
    assertThat(summary.latencyMicros().getValueAtPercentile(50)).isEqualTo(1);
    assertThat(summary.latencyMicros().getMaxValue()).isBetween(23L, 24L);
    assertThat(m.percentileMicros(50)).isEqualTo(0.4);
    assertThat(m.percentileMicros(90)).isEqualTo(0.48);
    assertThat(m.percentileMicros(99)).isEqualTo(0.9);
    assertThat(m.percentileMicros(100)).isEqualTo(23.1);
    assertThat(m.meanMicros()).isEqualTo(0.52, within(1e-9));
    assertThat(m.valueCount()).isEqualTo(100);
    assertThat(m.percentileMeaning()).contains("sampled");
  }

  @Test
  void singleShotsInMillisecondsKeepOneValuePerShot() {
    JmhMeasurement m =
        new JmhMeasurement(
            "cold start",
            Mode.SingleShotTime,
            TimeUnit.MILLISECONDS,
            new TreeMap<>(Map.of(180.5, 1L, 210.0, 1L, 260.25, 1L)),
            3,
            0.65075,
            216.9,
            Double.NaN);

    OperationSummary summary = m.toSummary();

    assertThat(summary.latencyMicros().getTotalCount()).isEqualTo(3);
    assertThat(summary.millisAt(50)).isEqualTo(210.0, within(0.2));
    assertThat(summary.perSecond()).isEqualTo(3 / 0.65075, within(1e-9));
    assertThat(m.percentileMicros(50)).isEqualTo(210_000.0);
    assertThat(InteractionsReport.describe(m))
        .startsWith("mean 216.9 ms, p50 210.0 ms, p99 260.3 ms");
  }

  @Test
  void noValuesGiveNoPercentiles() {
    JmhMeasurement m =
        new JmhMeasurement(
            "x",
            Mode.AverageTime,
            TimeUnit.NANOSECONDS,
            new TreeMap<>(),
            0,
            0,
            Double.NaN,
            Double.NaN);

    assertThat(m.percentileMicros(50)).isNaN();
    assertThat(m.toSummary().millisAt(99)).isZero();
    assertThat(m.callsPerSecond()).isZero();
    assertThat(m.percentileMeaning()).contains("per-iteration");
  }
}
