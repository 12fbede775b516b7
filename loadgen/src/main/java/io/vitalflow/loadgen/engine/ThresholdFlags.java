package io.vitalflow.loadgen.engine;

import picocli.CommandLine.Option;

/**
 * The k6-style pass/fail limits shared by the request scenarios, as a picocli mixin; their defaults
 * differ by scenario (through {@code ScenarioDefaults}).
 */
public final class ThresholdFlags {

  @Option(
      names = "--p95",
      paramLabel = "DURATION|off",
      description = "Fail when the 95th percentile is not below this.")
  String p95;

  @Option(
      names = "--p99",
      paramLabel = "DURATION|off",
      description = "Fail when the 99th percentile is not below this.")
  String p99;

  @Option(
      names = "--max-error-rate",
      paramLabel = "FRACTION",
      description = "Fail when more requests than this fail (0.01 or 1%%).")
  String maxErrorRate;

  public Thresholds thresholds() {
    return Thresholds.parse(p95, p99, maxErrorRate);
  }
}
