package io.vitalflow.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vitalflow.loadgen.engine.FlagValues;

/**
 * Flags of {@code loadgen seed}; {@link #parse} rejects unknown flags and bad values with one message naming
 * the flag.
 *
 * @param vitalsPatients the first this many seeded Patients get vitals (0: no vitals)
 * @param vitalsBatch most readings per NDJSON request
 */
record SeedOptions(URI fhirBase, URI ingestBase, SeededPatients ids, int patients, int batch, int concurrency,
    int vitalsPatients, int vitalsDays, Duration vitalsEvery, int vitalsBatch, Duration timeout,
    Duration progressEvery, Path reportDir) {

  /** The ingest gateway's {@code max-age}: older readings are rejected. */
  static final int MAX_VITALS_DAYS = 7;

  static final String USAGE = "loadgen seed [--fhir-url=http://127.0.0.1:8082/fhir]"
      + " [--ingest-url=http://127.0.0.1:8081] [--patients=100000] [--batch=500] [--concurrency=4] [--id-prefix=lg]"
      + " [--vitals-patients=1000] [--vitals-days=7] [--vitals-every=5m] [--vitals-batch=5000] [--timeout=60s]"
      + " [--progress=5s] [--report-dir=loadgen-reports]";

  private static final List<String> KNOWN = List.of("fhir-url", "ingest-url", "patients", "batch", "concurrency",
      "id-prefix", "vitals-patients", "vitals-days", "vitals-every", "vitals-batch", "timeout", "progress",
      "report-dir");

  static SeedOptions parse(Map<String, String> flags) {
    FlagValues.rejectUnknown(flags, KNOWN);
    int patients = FlagValues.positiveInt("--patients", flags.getOrDefault("patients", "100000"));
    int vitalsPatients = FlagValues.nonNegativeInt("--vitals-patients", flags.getOrDefault("vitals-patients", "1000"));
    if (vitalsPatients > patients) {
      throw new IllegalArgumentException("--vitals-patients (" + vitalsPatients + ") must not exceed --patients ("
          + patients + "): only seeded Patients get vitals");
    }
    int days = FlagValues.positiveInt("--vitals-days", flags.getOrDefault("vitals-days", "7"));
    if (days > MAX_VITALS_DAYS) {
      throw new IllegalArgumentException("--vitals-days must be at most " + MAX_VITALS_DAYS + " (the ingest"
          + " gateway rejects readings older than its max-age of 7 days), got " + days);
    }
    Duration every = FlagValues.positiveDuration("--vitals-every", flags.getOrDefault("vitals-every", "5m"));
    if (every.compareTo(Duration.ofSeconds(1)) < 0 || every.compareTo(Duration.ofDays(days)) > 0) {
      throw new IllegalArgumentException("--vitals-every must be between 1s and --vitals-days, got "
          + flags.get("vitals-every"));
    }
    int vitalsBatch = FlagValues.positiveInt("--vitals-batch", flags.getOrDefault("vitals-batch", "5000"));
    if (vitalsBatch < SeedVitals.VITALS_PER_SET || vitalsBatch > 10_000) {
      throw new IllegalArgumentException("--vitals-batch must be between " + SeedVitals.VITALS_PER_SET
          + " (one set of vitals) and 10000 (the gateway's max-batch-size), got " + vitalsBatch);
    }
    return new SeedOptions(
        FlagValues.httpUrl("--fhir-url", flags.getOrDefault("fhir-url", "http://127.0.0.1:8082/fhir")),
        FlagValues.httpUrl("--ingest-url", flags.getOrDefault("ingest-url", "http://127.0.0.1:8081")),
        SeededPatients.withPrefix(flags.getOrDefault("id-prefix", "lg")), patients,
        FlagValues.positiveInt("--batch", flags.getOrDefault("batch", "500")),
        FlagValues.positiveInt("--concurrency", flags.getOrDefault("concurrency", "4")),
        vitalsPatients, days, every, vitalsBatch,
        FlagValues.positiveDuration("--timeout", flags.getOrDefault("timeout", "60s")),
        FlagValues.positiveDuration("--progress", flags.getOrDefault("progress", "5s")),
        FlagValues.directory("--report-dir", flags.getOrDefault("report-dir", "loadgen-reports")));
  }
}
