package io.vitalflow.loadgen.vitalsquery;

import io.vitalflow.loadgen.auth.Auth;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.Thresholds;
import io.vitalflow.loadgen.seed.SeededPatients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of {@code loadgen vitals-query}, checked from its flags by {@link
 * VitalsQueryCommand}.
 *
 * @param apiBase where {@code /api/v1/patients/{id}/vitals} is served (the FHIR API's port)
 * @param vitalsPatients reads of vitals and new readings go to the first this many seeded Patients
 */
public record VitalsQueryOptions(
    URI fhirBase,
    URI apiBase,
    URI ingestBase,
    SeededPatients ids,
    int patients,
    int vitalsPatients,
    QueryMix mix,
    LoadModel model,
    Thresholds thresholds,
    Duration timeout,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  static final LoadModels.Defaults DEFAULTS =
      new LoadModels.Defaults("closed", "10s:50,60s:50,5s:0", "10ms", "10s:2000,60s:2000", "512");

  /** Connections per host the client may open: as many as iterations can be in flight. */
  int connections() {
    int wanted =
        model instanceof LoadModel.Closed closed
            ? closed.stages().peak()
            : ((LoadModel.Open) model).maxInFlight();
    return Math.max(1, Math.min(1024, wanted));
  }
}
