package io.vitalflow.loadgen;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.Thresholds;

/**
 * Flags of the breaking-point search: its own ({@code --start-rate}, {@code --growth}, ...) and those of the FHIR
 * scenario for the target and the seeding; the FHIR scenario's load-model and threshold flags do not apply.
 *
 * @param expectAtLeast {@code --expect-at-least}: the run passes (exit 0) only when a step at this rate or above
 *     held; empty when not given, and then any run in which a step ran passes (the search itself is the result)
 */
record StressOptions(FhirOptions fhir, int startRate, double growth, int maxRate, int refineSteps,
    Duration stepDuration, Duration pause, int maxInFlight, double breakErrorRate, Duration breakP99,
    OptionalInt expectAtLeast) {

  static final String USAGE = "loadgen stress [--fhir-url=...] [--seed-patients=20000] [--mix=60,30,10]"
      + " [--start-rate=200] [--growth=1.5] [--max-rate=100000] [--refine=2] [--step-duration=20s] [--pause=5s]"
      + " [--max-in-flight=2048] [--break-error-rate=5%] [--break-p99=500ms] [--expect-at-least=RATE] [--timeout=10s]"
      + " [--report-dir=loadgen-reports]";

  private static final List<String> OWN = List.of("start-rate", "growth", "max-rate", "refine", "step-duration",
      "pause", "max-in-flight", "break-error-rate", "break-p99", "expect-at-least");

  static StressOptions parse(Map<String, String> flags) {
    Map<String, String> fhirFlags = new HashMap<>(flags);
    OWN.forEach(fhirFlags::remove);
    for (String flag : LoadModels.FLAGS) {
      if (fhirFlags.containsKey(flag)) {
        throw new IllegalArgumentException("--" + flag + " does not apply to stress: it ramps an open model itself"
            + " (--start-rate, --growth, --step-duration)");
      }
    }
    for (String flag : Thresholds.FLAGS) {
      if (fhirFlags.containsKey(flag)) {
        throw new IllegalArgumentException("--" + flag + " does not apply to stress: use --break-p99 and"
            + " --break-error-rate");
      }
    }
    fhirFlags.putIfAbsent("seed-patients", "20000");
    FhirOptions fhir = FhirOptions.parse(fhirFlags);
    int startRate = FlagValues.positiveInt("--start-rate", flags.getOrDefault("start-rate", "200"));
    int maxRate = FlagValues.positiveInt("--max-rate", flags.getOrDefault("max-rate", "100000"));
    if (maxRate < startRate) {
      throw new IllegalArgumentException("--max-rate (" + maxRate + ") is below --start-rate (" + startRate + ")");
    }
    double growth = growth(flags.getOrDefault("growth", "1.5"));
    OptionalInt expectAtLeast = OptionalInt.empty();
    if (flags.containsKey("expect-at-least")) {
      int expected = FlagValues.positiveInt("--expect-at-least", flags.get("expect-at-least"));
      if (expected > maxRate) {
        throw new IllegalArgumentException("--expect-at-least (" + expected + ") is above --max-rate (" + maxRate
            + "): no step could meet it");
      }
      expectAtLeast = OptionalInt.of(expected);
    }
    return new StressOptions(fhir, startRate, growth, maxRate,
        FlagValues.nonNegativeInt("--refine", flags.getOrDefault("refine", "2")),
        FlagValues.positiveDuration("--step-duration", flags.getOrDefault("step-duration", "20s")),
        FlagValues.duration("--pause", flags.getOrDefault("pause", "5s")),
        FlagValues.positiveInt("--max-in-flight", flags.getOrDefault("max-in-flight", "2048")),
        FlagValues.fraction("--break-error-rate", flags.getOrDefault("break-error-rate", "5%")),
        FlagValues.positiveDuration("--break-p99", flags.getOrDefault("break-p99", "500ms")), expectAtLeast);
  }

  private static double growth(String text) {
    double growth;
    try {
      growth = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--growth must be a factor such as 1.5, got '" + text + "'");
    }
    if (!(growth > 1.0 && growth <= 10)) {
      throw new IllegalArgumentException("--growth must be above 1 and at most 10, got " + text);
    }
    return growth;
  }
}
