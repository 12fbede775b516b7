package io.vitalflow.loadgen.vitalsquery;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.cli.ScenarioDefaults;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModelFlags;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.engine.ThresholdFlags;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.seed.SeededPatients;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loadgen vitals-query}: its flags, checked into {@link VitalsQueryOptions}, and the run.
 */
@Command(
    name = "vitals-query",
    showDefaultValues = true,
    defaultValueProvider = ScenarioDefaults.class,
    description = {
      "The Scenario 3 mix (demographics, readings of 24 h, hourly aggregates of 7 days, new reading) over"
          + " the Patients `loadgen seed` created.",
      "Exit 1 when a threshold is broken, 2 for bad flags or a target that is unreachable or not seeded."
    })
public final class VitalsQueryCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--api-url",
      defaultValue = "http://127.0.0.1:8082",
      description = "Where /api/v1/patients/{id}/vitals is served.")
  String apiUrl;

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's URL.")
  String ingestUrl;

  @Option(names = "--patients", defaultValue = "100000", description = "Seeded Patients to read.")
  String patients;

  @Option(
      names = "--vitals-patients",
      defaultValue = "1000",
      description = "Vitals reads and new readings go to the first this many.")
  String vitalsPatients;

  @Option(names = "--id-prefix", defaultValue = "lg", description = "Prefix of the seeded ids.")
  String idPrefix;

  @Option(
      names = "--mix",
      defaultValue = "50,30,15,5",
      paramLabel = "DEMOGRAPHICS,READINGS,HOURLY,NEW",
      description = "Percentages of the queries.")
  String mix;

  @Mixin LoadModelFlags model;

  @Mixin ThresholdFlags thresholds;

  @Option(names = "--timeout", defaultValue = "10s", description = "Response timeout.")
  String timeout;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /**
   * The scopes asked for without {@code --scope}: reading Patients and vitals, sending readings.
   */
  public static final String SCOPE = "system/*.rs system/Observation.c";

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static VitalsQueryOptions parse(String... args) {
    return Cli.parse(new VitalsQueryCommand(), args).options();
  }

  @Override
  public Map<String, String> defaults() {
    Map<String, String> defaults = new HashMap<>(VitalsQueryOptions.DEFAULTS.byFlag());
    defaults.putAll(Map.of("p95", "100ms", "p99", "200ms", "max-error-rate", "0.01"));
    return defaults;
  }

  @Override
  public VitalsQueryOptions options() {
    int patientCount = FlagValues.positiveInt("--patients", patients);
    int vitalsPatientCount = FlagValues.nonNegativeInt("--vitals-patients", vitalsPatients);
    QueryMix queryMix = QueryMix.parse(mix);
    if (vitalsPatientCount > patientCount) {
      throw new IllegalArgumentException(
          "--vitals-patients ("
              + vitalsPatientCount
              + ") must not exceed --patients ("
              + patientCount
              + ")");
    }
    if (vitalsPatientCount == 0 && queryMix.touchesVitals()) {
      throw new IllegalArgumentException(
          "--vitals-patients=0 leaves the vitals queries of --mix="
              + mix
              + " without patients (use --mix=100,0,0,0 for demographics only)");
    }
    return new VitalsQueryOptions(
        FlagValues.httpUrl("--fhir-url", fhirUrl),
        FlagValues.httpUrl("--api-url", apiUrl),
        FlagValues.httpUrl("--ingest-url", ingestUrl),
        SeededPatients.withPrefix(idPrefix),
        patientCount,
        vitalsPatientCount,
        queryMix,
        model.model(),
        thresholds.thresholds(),
        FlagValues.positiveDuration("--timeout", timeout),
        report.progress(),
        report.reportDir(),
        auth.auth(SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    VitalsQueryOptions options = options();
    RunReport report = new VitalsQueryScenario(options, out).run();
    return new Ran(report, options.reportDir(), report.passed());
  }
}
