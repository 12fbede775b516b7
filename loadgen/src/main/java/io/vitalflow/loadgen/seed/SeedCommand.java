package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.report.RunReport;
import java.io.PrintStream;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loadgen seed}: its flags, checked into {@link SeedOptions}, and the run. */
@Command(
    name = "seed",
    showDefaultValues = true,
    description = {
      "PUTs --patients Patients (ids <id-prefix>-p000001...) in batch Bundles, then --vitals-days of vitals"
          + " for the first --vitals-patients as chronological NDJSON to the gateway.",
      "Exit 1 unless everything was accepted, 2 for bad flags or an unreachable target."
    })
public final class SeedCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's URL.")
  String ingestUrl;

  @Option(names = "--patients", defaultValue = "100000", description = "Patients to seed.")
  String patients;

  @Option(names = "--batch", defaultValue = "500", description = "Patients per Bundle.")
  String batch;

  @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight.")
  String concurrency;

  @Option(names = "--id-prefix", defaultValue = "lg", description = "Prefix of the seeded ids.")
  String idPrefix;

  @Option(
      names = "--vitals-patients",
      defaultValue = "1000",
      description = "The first this many seeded Patients get vitals (0: none).")
  String vitalsPatients;

  @Option(
      names = "--vitals-days",
      defaultValue = "7",
      description = "Days of vitals history (at most 7).")
  String vitalsDays;

  @Option(
      names = "--vitals-every",
      defaultValue = "5m",
      description = "Interval between two sets of vitals.")
  String vitalsEvery;

  @Option(
      names = "--vitals-batch",
      defaultValue = "5000",
      description = "Readings per NDJSON request at most.")
  String vitalsBatch;

  @Option(names = "--timeout", defaultValue = "60s", description = "Response timeout.")
  String timeout;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /** The scopes asked for without {@code --scope}: PUT of Patients (update as create), readings. */
  public static final String SCOPE = "system/Patient.cu system/Observation.c";

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static SeedOptions parse(String... args) {
    return Cli.parse(new SeedCommand(), args).options();
  }

  @Override
  public SeedOptions options() {
    int patientCount = FlagValues.positiveInt("--patients", patients);
    int vitalsPatientCount = FlagValues.nonNegativeInt("--vitals-patients", vitalsPatients);
    if (vitalsPatientCount > patientCount) {
      throw new IllegalArgumentException(
          "--vitals-patients ("
              + vitalsPatientCount
              + ") must not exceed --patients ("
              + patientCount
              + "): only seeded Patients get vitals");
    }
    int days = FlagValues.positiveInt("--vitals-days", vitalsDays);
    if (days > SeedOptions.MAX_VITALS_DAYS) {
      throw new IllegalArgumentException(
          "--vitals-days must be at most "
              + SeedOptions.MAX_VITALS_DAYS
              + " (the"
              + " ingest gateway rejects readings older than its max-age of 7 days), got "
              + days);
    }
    Duration every = FlagValues.positiveDuration("--vitals-every", vitalsEvery);
    if (every.compareTo(Duration.ofSeconds(1)) < 0 || every.compareTo(Duration.ofDays(days)) > 0) {
      throw new IllegalArgumentException(
          "--vitals-every must be between 1s and --vitals-days, got " + vitalsEvery);
    }
    int vitalsBatchSize = FlagValues.positiveInt("--vitals-batch", vitalsBatch);
    if (vitalsBatchSize < SeedVitals.VITALS_PER_SET || vitalsBatchSize > 10_000) {
      throw new IllegalArgumentException(
          "--vitals-batch must be between "
              + SeedVitals.VITALS_PER_SET
              + " (one set of vitals) and 10000 (the gateway's max-batch-size), got "
              + vitalsBatchSize);
    }
    return new SeedOptions(
        FlagValues.httpUrl("--fhir-url", fhirUrl),
        FlagValues.httpUrl("--ingest-url", ingestUrl),
        SeededPatients.withPrefix(idPrefix),
        patientCount,
        FlagValues.positiveInt("--batch", batch),
        FlagValues.positiveInt("--concurrency", concurrency),
        vitalsPatientCount,
        days,
        every,
        vitalsBatchSize,
        FlagValues.positiveDuration("--timeout", timeout),
        report.progress(),
        report.reportDir(),
        auth.auth(SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    SeedOptions options = options();
    RunReport report = new Seeder(options, out).run();
    return new Ran(report, options.reportDir(), report.passed());
  }
}
