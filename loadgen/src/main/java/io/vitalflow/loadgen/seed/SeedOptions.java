package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.auth.Auth;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of {@code loadgen seed}, checked from its flags by {@link SeedCommand}.
 *
 * @param vitalsPatients the first this many seeded Patients get vitals (0: no vitals)
 * @param vitalsBatch most readings per NDJSON request
 */
public record SeedOptions(
    URI fhirBase,
    URI ingestBase,
    SeededPatients ids,
    int patients,
    int batch,
    int concurrency,
    int vitalsPatients,
    int vitalsDays,
    Duration vitalsEvery,
    int vitalsBatch,
    Duration timeout,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  /** The ingest gateway's {@code max-age}: older readings are rejected. */
  static final int MAX_VITALS_DAYS = 7;
}
