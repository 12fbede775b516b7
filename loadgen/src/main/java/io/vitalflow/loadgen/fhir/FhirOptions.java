package io.vitalflow.loadgen.fhir;

import io.vitalflow.loadgen.auth.Auth;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.Thresholds;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code fhir} scenario's settings, checked from its flags by {@link FhirCommand}. */
public record FhirOptions(
    URI fhirBase,
    int seedPatients,
    int seedBatch,
    int seedConcurrency,
    LoadModel model,
    Duration warmup,
    OperationMix mix,
    Thresholds thresholds,
    Duration timeout,
    int connections,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  /** {@code base + "/" + path}, keeping the base's own path ({@code /fhir}). */
  URI resolve(String path) {
    return URI.create(fhirBase + (path.isEmpty() ? "" : "/" + path));
  }
}
