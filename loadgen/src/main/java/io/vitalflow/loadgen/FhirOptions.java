package io.vitalflow.loadgen;

import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.engine.Think;
import io.vitalflow.loadgen.engine.Thresholds;
import io.vitalflow.loadgen.engine.FlagValues;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Flags of the {@code fhir} scenario; {@link #parse} rejects unknown flags and bad values with one clear message. */
record FhirOptions(URI fhirBase, int seedPatients, int seedBatch, int seedConcurrency, Stages stages, Think think,
    OperationMix mix, Thresholds thresholds, Duration timeout, Duration progressEvery) {

  static final String USAGE = "loadgen fhir [--fhir-url=http://127.0.0.1:8082/fhir] [--seed-patients=100000]"
      + " [--seed-batch=500] [--seed-concurrency=4] [--stages=30s:200,120s:200,10s:0] [--think=100ms|50ms-150ms]"
      + " [--mix=60,30,10] [--p95=100ms|off] [--p99=200ms|off] [--max-error-rate=0.01|1%] [--timeout=10s]"
      + " [--progress=5s]";

  private static final List<String> KNOWN = List.of("fhir-url", "seed-patients", "seed-batch", "seed-concurrency",
      "stages", "think", "mix", "p95", "p99", "max-error-rate", "timeout", "progress");

  static FhirOptions parse(Map<String, String> flags) {
    for (String name : flags.keySet()) {
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + " (known: --"
            + String.join(", --", new TreeSet<>(KNOWN)) + ")");
      }
    }
    return new FhirOptions(
        FlagValues.httpUrl("--fhir-url", flags.getOrDefault("fhir-url", "http://127.0.0.1:8082/fhir")),
        FlagValues.nonNegativeInt("--seed-patients", flags.getOrDefault("seed-patients", "100000")),
        FlagValues.positiveInt("--seed-batch", flags.getOrDefault("seed-batch", "500")),
        FlagValues.positiveInt("--seed-concurrency", flags.getOrDefault("seed-concurrency", "4")),
        Stages.parse(flags.getOrDefault("stages", "30s:200,120s:200,10s:0")),
        Think.parse(flags.getOrDefault("think", "100ms")),
        OperationMix.parse(flags.getOrDefault("mix", "60,30,10")),
        new Thresholds(latencyLimit("--p95", flags.getOrDefault("p95", "100ms")),
            latencyLimit("--p99", flags.getOrDefault("p99", "200ms")),
            FlagValues.fraction("--max-error-rate", flags.getOrDefault("max-error-rate", "0.01"))),
        FlagValues.positiveDuration("--timeout", flags.getOrDefault("timeout", "10s")),
        FlagValues.positiveDuration("--progress", flags.getOrDefault("progress", "5s")));
  }

  private static Duration latencyLimit(String name, String text) {
    return "off".equals(text) ? null : FlagValues.positiveDuration(name, text);
  }

  /** {@code base + "/" + path}, keeping the base's own path ({@code /fhir}). */
  URI resolve(String path) {
    return URI.create(fhirBase + (path.isEmpty() ? "" : "/" + path));
  }
}
