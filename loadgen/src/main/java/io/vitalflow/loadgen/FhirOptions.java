package io.vitalflow.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.Thresholds;

/** Flags of the {@code fhir} scenario; {@link #parse} rejects unknown flags and bad values with one clear message. */
record FhirOptions(URI fhirBase, int seedPatients, int seedBatch, int seedConcurrency, LoadModel model,
    OperationMix mix, Thresholds thresholds, Duration timeout, int connections, Duration progressEvery,
    Path reportDir) {

  /** k6's script scaled to one 2-core machine: 200 users instead of 10,000, the same think time and limits. */
  static final LoadModels.Defaults MODEL_DEFAULTS = new LoadModels.Defaults("closed", "30s:200,120s:200,10s:0",
      "100ms", "30s:4000,120s:4000,10s:0", "1024");

  static final String USAGE = "loadgen fhir [--fhir-url=http://127.0.0.1:8082/fhir] [--seed-patients=100000]"
      + " [--seed-batch=500] [--seed-concurrency=4] " + LoadModels.usage(MODEL_DEFAULTS)
      + " [--mix=60,30,10] [--p95=100ms|off] [--p99=200ms|off] [--max-error-rate=0.01|1%] [--timeout=10s]"
      + " [--connections=256] [--progress=5s] [--report-dir=loadgen-reports]";

  private static final List<String> KNOWN = known();

  private static List<String> known() {
    List<String> known = new ArrayList<>(List.of("fhir-url", "seed-patients", "seed-batch", "seed-concurrency",
        "mix", "timeout", "connections", "progress", "report-dir"));
    known.addAll(LoadModels.FLAGS);
    known.addAll(Thresholds.FLAGS);
    return known;
  }

  static FhirOptions parse(Map<String, String> flags) {
    FlagValues.rejectUnknown(flags, KNOWN);
    return new FhirOptions(
        FlagValues.httpUrl("--fhir-url", flags.getOrDefault("fhir-url", "http://127.0.0.1:8082/fhir")),
        FlagValues.nonNegativeInt("--seed-patients", flags.getOrDefault("seed-patients", "100000")),
        FlagValues.positiveInt("--seed-batch", flags.getOrDefault("seed-batch", "500")),
        FlagValues.positiveInt("--seed-concurrency", flags.getOrDefault("seed-concurrency", "4")),
        LoadModels.parse(flags, MODEL_DEFAULTS),
        OperationMix.parse(flags.getOrDefault("mix", "60,30,10")),
        Thresholds.parse(flags, "100ms", "200ms", "0.01"),
        FlagValues.positiveDuration("--timeout", flags.getOrDefault("timeout", "10s")),
        FlagValues.positiveInt("--connections", flags.getOrDefault("connections", "256")),
        FlagValues.positiveDuration("--progress", flags.getOrDefault("progress", "5s")),
        Path.of(flags.getOrDefault("report-dir", "loadgen-reports")));
  }

  /** {@code base + "/" + path}, keeping the base's own path ({@code /fhir}). */
  URI resolve(String path) {
    return URI.create(fhirBase + (path.isEmpty() ? "" : "/" + path));
  }
}
