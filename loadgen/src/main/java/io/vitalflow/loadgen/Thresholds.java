package io.vitalflow.loadgen;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * Pass/fail limits over all requests of the load phase, as k6 thresholds: {@code p(95) < p95},
 * {@code p(99) < p99}, error rate {@code <= maxErrorRate}. A null latency limit is not checked.
 */
record Thresholds(Duration p95, Duration p99, double maxErrorRate) {

  /** Human-readable descriptions of the broken limits; empty when all hold. Latencies are in microseconds. */
  List<String> violations(Histogram latencyMicros, long requests, long errors) {
    List<String> broken = new ArrayList<>();
    if (requests == 0) {
      broken.add("no request completed");
      return broken;
    }
    check(broken, "p95", p95, latencyMicros.getValueAtPercentile(95));
    check(broken, "p99", p99, latencyMicros.getValueAtPercentile(99));
    double errorRate = (double) errors / requests;
    if (errorRate > maxErrorRate) {
      broken.add(String.format(Locale.ROOT, "error rate %.3f%% > %.3f%%", errorRate * 100, maxErrorRate * 100));
    }
    return broken;
  }

  private static void check(List<String> broken, String name, Duration limit, long valueMicros) {
    if (limit != null && valueMicros >= limit.toNanos() / 1000) {
      broken.add(String.format(Locale.ROOT, "%s %.3f ms >= %s ms", name, valueMicros / 1000.0, millis(limit)));
    }
  }

  @Override
  public String toString() {
    return (p95 == null ? "p95 off" : "p95 < " + millis(p95) + " ms")
        + (p99 == null ? ", p99 off" : ", p99 < " + millis(p99) + " ms")
        + ", error rate <= " + new BigDecimal(Double.toString(maxErrorRate * 100)).stripTrailingZeros().toPlainString()
        + "%";
  }

  private static String millis(Duration duration) {
    return BigDecimal.valueOf(duration.toNanos(), 6).stripTrailingZeros().toPlainString();
  }
}
