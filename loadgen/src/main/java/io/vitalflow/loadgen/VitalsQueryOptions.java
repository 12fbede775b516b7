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

/**
 * Flags of {@code loadgen vitals-query}; {@link #parse} rejects unknown flags and bad values with one message
 * naming the flag.
 *
 * @param apiBase where {@code /api/v1/patients/{id}/vitals} is served (the FHIR API's port)
 * @param vitalsPatients reads of vitals and new readings go to the first this many seeded Patients
 */
record VitalsQueryOptions(URI fhirBase, URI apiBase, URI ingestBase, SeededPatients ids, int patients,
    int vitalsPatients, QueryMix mix, LoadModel model, Thresholds thresholds, Duration timeout,
    Duration progressEvery, Path reportDir) {

  static final LoadModels.Defaults DEFAULTS = new LoadModels.Defaults("closed", "10s:50,60s:50,5s:0", "10ms",
      "10s:2000,60s:2000", "512");

  static final String USAGE = "loadgen vitals-query [--fhir-url=http://127.0.0.1:8082/fhir]"
      + " [--api-url=http://127.0.0.1:8082] [--ingest-url=http://127.0.0.1:8081] [--patients=100000]"
      + " [--vitals-patients=1000] [--id-prefix=lg] [--mix=50,30,15,5] " + LoadModels.usage(DEFAULTS)
      + " [--p95=100ms|off] [--p99=200ms|off] [--max-error-rate=0.01|1%] [--timeout=10s] [--progress=5s]"
      + " [--report-dir=loadgen-reports]";

  private static final List<String> OWN = List.of("fhir-url", "api-url", "ingest-url", "patients",
      "vitals-patients", "id-prefix", "mix", "timeout", "progress", "report-dir");

  static VitalsQueryOptions parse(Map<String, String> flags) {
    List<String> known = new ArrayList<>(OWN);
    known.addAll(LoadModels.FLAGS);
    known.addAll(Thresholds.FLAGS);
    FlagValues.rejectUnknown(flags, known);
    int patients = FlagValues.positiveInt("--patients", flags.getOrDefault("patients", "100000"));
    int vitalsPatients = FlagValues.nonNegativeInt("--vitals-patients", flags.getOrDefault("vitals-patients", "1000"));
    QueryMix mix = QueryMix.parse(flags.getOrDefault("mix", "50,30,15,5"));
    if (vitalsPatients > patients) {
      throw new IllegalArgumentException("--vitals-patients (" + vitalsPatients + ") must not exceed --patients ("
          + patients + ")");
    }
    if (vitalsPatients == 0 && mix.touchesVitals()) {
      throw new IllegalArgumentException("--vitals-patients=0 leaves the vitals queries of --mix=" + flags.getOrDefault(
          "mix", "50,30,15,5") + " without patients (use --mix=100,0,0,0 for demographics only)");
    }
    return new VitalsQueryOptions(
        FlagValues.httpUrl("--fhir-url", flags.getOrDefault("fhir-url", "http://127.0.0.1:8082/fhir")),
        FlagValues.httpUrl("--api-url", flags.getOrDefault("api-url", "http://127.0.0.1:8082")),
        FlagValues.httpUrl("--ingest-url", flags.getOrDefault("ingest-url", "http://127.0.0.1:8081")),
        SeededPatients.withPrefix(flags.getOrDefault("id-prefix", "lg")), patients, vitalsPatients, mix,
        LoadModels.parse(flags, DEFAULTS),
        Thresholds.parse(flags, "100ms", "200ms", "0.01"),
        FlagValues.positiveDuration("--timeout", flags.getOrDefault("timeout", "10s")),
        FlagValues.positiveDuration("--progress", flags.getOrDefault("progress", "5s")),
        FlagValues.directory("--report-dir", flags.getOrDefault("report-dir", "loadgen-reports")));
  }

  /** Connections per host the client may open: as many as iterations can be in flight. */
  int connections() {
    int wanted = model instanceof LoadModel.Closed closed ? closed.stages().peak()
        : ((LoadModel.Open) model).maxInFlight();
    return Math.max(1, Math.min(1024, wanted));
  }
}
