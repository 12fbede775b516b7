package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pass/fail limits over all requests of the load phase, as k6 thresholds: {@code p(95) < p95},
 * {@code p(99) < p99}, error rate {@code <= maxErrorRate}. A null latency limit is not checked.
 */
public record Thresholds(Duration p95, Duration p99, double maxErrorRate) {

  /** From {@code --p95=100ms|off --p99=200ms|off --max-error-rate=0.01|1%}. */
  public static Thresholds parse(String p95, String p99, String maxErrorRate) {
    return new Thresholds(
        latencyLimit("--p95", p95),
        latencyLimit("--p99", p99),
        FlagValues.fraction("--max-error-rate", maxErrorRate));
  }

  private static Duration latencyLimit(String name, String text) {
    return "off".equals(text) ? null : FlagValues.positiveDuration(name, text);
  }

  /** Each limit with the measured value; a run without requests breaks them all. */
  public List<ThresholdResult> evaluate(OperationSummary all) {
    List<ThresholdResult> results = new ArrayList<>();
    boolean any = all.count() > 0;
    if (p95 != null) {
      double value = all.millisAt(95);
      results.add(
          new ThresholdResult(
              "p95 < " + millis(p95) + " ms",
              format(value) + " ms",
              any && value < p95.toNanos() / 1e6));
    }
    if (p99 != null) {
      double value = all.millisAt(99);
      results.add(
          new ThresholdResult(
              "p99 < " + millis(p99) + " ms",
              format(value) + " ms",
              any && value < p99.toNanos() / 1e6));
    }
    results.add(
        new ThresholdResult(
            "error rate <= " + percent(maxErrorRate) + "%",
            any
                ? String.format(
                    Locale.ROOT,
                    "%.3f%% (%,d of %,d)",
                    all.errorRate() * 100,
                    all.errors(),
                    all.count())
                : "no request completed",
            any && all.errorRate() <= maxErrorRate));
    return results;
  }

  @Override
  public String toString() {
    return (p95 == null ? "p95 off" : "p95 < " + millis(p95) + " ms")
        + (p99 == null ? ", p99 off" : ", p99 < " + millis(p99) + " ms")
        + ", error rate <= "
        + percent(maxErrorRate)
        + "%";
  }

  private static String percent(double fraction) {
    return new BigDecimal(Double.toString(fraction * 100)).stripTrailingZeros().toPlainString();
  }

  private static String format(double millis) {
    return String.format(Locale.ROOT, "%.3f", millis);
  }

  private static String millis(Duration duration) {
    return BigDecimal.valueOf(duration.toNanos(), 6).stripTrailingZeros().toPlainString();
  }
}
