package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.util.stream.Collectors;

/** The one-line outcome of a run: {@code PASS}, or {@code FAIL: } and every broken limit. */
final class Verdict {

  /** Shown for a run that has no thresholds to pass or fail. */
  static final String NO_THRESHOLDS = "no thresholds";

  private Verdict() {}

  static String of(RunReport report) {
    if (report.thresholds().isEmpty()) {
      return NO_THRESHOLDS;
    }
    if (report.passed()) {
      return "PASS";
    }
    return report.thresholds().stream()
        .filter(threshold -> !threshold.held())
        .map(Verdict::broken)
        .collect(Collectors.joining("; ", "FAIL: ", ""));
  }

  /** ✅ or ❌. */
  static String mark(boolean held) {
    return held ? "✅" : "❌";
  }

  private static String broken(ThresholdResult threshold) {
    return threshold.actual().isBlank()
        ? threshold.limit()
        : threshold.limit() + " (measured " + threshold.actual() + ")";
  }
}
