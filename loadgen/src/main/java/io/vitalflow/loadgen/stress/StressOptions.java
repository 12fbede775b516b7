package io.vitalflow.loadgen.stress;

import io.vitalflow.loadgen.fhir.FhirOptions;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Settings of the breaking-point search, checked from its flags by {@link StressCommand}: its own
 * ({@code --start-rate}, {@code --growth}, ...) and those of the FHIR scenario for the target and
 * the seeding; the FHIR scenario's load-model and threshold flags do not apply.
 *
 * @param expectAtLeast {@code --expect-at-least}: the run passes (exit 0) only when a step at this
 *     rate or above held; empty when not given, and then any run in which a step ran passes (the
 *     search itself is the result)
 */
public record StressOptions(
    FhirOptions fhir,
    int startRate,
    double growth,
    int maxRate,
    int refineSteps,
    Duration stepDuration,
    Duration pause,
    int maxInFlight,
    double breakErrorRate,
    Duration breakP99,
    OptionalInt expectAtLeast) {

  static double growth(String text) {
    double growth;
    try {
      growth = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--growth must be a factor such as 1.5, got '" + text + "'");
    }
    if (!(growth > 1.0 && growth <= 10)) {
      throw new IllegalArgumentException("--growth must be above 1 and at most 10, got " + text);
    }
    return growth;
  }
}
