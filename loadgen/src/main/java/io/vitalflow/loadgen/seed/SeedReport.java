package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@link RunReport} of one {@code loadgen seed} run: what was asked, what was accepted, how
 * fast.
 */
public final class SeedReport {

  private final SeedOptions options;
  private final Instant started;
  private final Seeder.Phases phases;
  private final SeedProgress progress;
  private final Meters meters;

  SeedReport(
      SeedOptions options,
      Instant started,
      Seeder.Phases phases,
      SeedProgress progress,
      Meters meters) {
    this.options = options;
    this.started = started;
    this.phases = phases;
    this.progress = progress;
    this.meters = meters;
  }

  RunReport build() {
    Duration elapsed = phases.patients().plus(phases.vitals());
    return new RunReport(
        "seed",
        "Seeding: Patients with contacts and a week of vitals",
        started,
        elapsed,
        settings(),
        operations(elapsed),
        progress.timeline(),
        results(),
        List.of(),
        thresholds(),
        notes());
  }

  private List<Setting> settings() {
    SeedVitals plan = phases.plan();
    return List.of(
        new Setting("FHIR server", options.fhirBase().toString()),
        new Setting("ingest gateway", options.ingestBase().toString()),
        new Setting(
            "Patients",
            String.format(
                Locale.ROOT,
                "%,d: %s..%s, PUT entries (update-as-create)",
                options.patients(),
                options.ids().patientId(1),
                options.ids().patientId(options.patients()))),
        new Setting(
            "batch Bundles",
            options.batch() + " entries each, " + options.concurrency() + " in flight"),
        new Setting(
            "vitals",
            options.vitalsPatients() == 0
                ? "none"
                : String.format(
                    Locale.ROOT,
                    "%,d patients x 6 vitals every %s, %s to %s (%,d intervals)",
                    options.vitalsPatients(),
                    options.vitalsEvery(),
                    plan.first(),
                    plan.last(),
                    plan.steps())),
        new Setting(
            "NDJSON requests",
            "at most "
                + options.vitalsBatch()
                + " readings each, "
                + options.concurrency()
                + " in flight, in chronological waves spanning < "
                + SeedVitals.WAVE_SPAN.toSeconds()
                + " s ("
                + phases.waves()
                + " waves)"));
  }

  /** Each operation's rate over its own phase, the total over both. */
  private List<OperationSummary> operations(Duration elapsed) {
    List<OperationSummary> operations = new ArrayList<>();
    for (OperationSummary o : meters.summaries(seconds(elapsed))) {
      double seconds =
          switch (o.name()) {
            case Seeder.PATIENT_BUNDLE -> seconds(phases.patients());
            case Seeder.VITALS_BATCH -> seconds(phases.vitals());
            default -> o.seconds();
          };
      operations.add(
          new OperationSummary(
              o.name(), o.count(), o.errors(), o.errorKinds(), o.latencyMicros(), seconds));
    }
    return operations;
  }

  private List<Result> results() {
    double patientSeconds = seconds(phases.patients());
    double vitalsSeconds = seconds(phases.vitals());
    long readings = progress.readingsAccepted.sum();
    return List.of(
        new Result(
            "Patients accepted",
            count(progress.patientsAccepted())
                + " of "
                + count(options.patients())
                + " ("
                + count(progress.patientsCreated.sum())
                + " created, "
                + count(progress.patientsUpdated.sum())
                + " updated)"),
        new Result("Patients failed", count(progress.patientsFailed.sum())),
        new Result(
            "Patients/s",
            rate(progress.patientsAccepted(), patientSeconds) + " (" + secs(patientSeconds) + ")"),
        new Result("failed Bundles", count(failed(Seeder.PATIENT_BUNDLE))),
        new Result("readings accepted", count(readings) + " of " + count(phases.plan().readings())),
        new Result("readings rejected or lost", count(progress.readingsRejected.sum())),
        new Result("readings/s", rate(readings, vitalsSeconds) + " (" + secs(vitalsSeconds) + ")"),
        new Result("failed NDJSON requests", count(failed(Seeder.VITALS_BATCH))));
  }

  private List<ThresholdResult> thresholds() {
    long readings = progress.readingsAccepted.sum();
    return List.of(
        new ThresholdResult(
            "every Patient accepted",
            count(progress.patientsAccepted()) + " of " + count(options.patients()),
            progress.patientsAccepted() == options.patients()),
        new ThresholdResult(
            "every reading accepted",
            count(readings) + " of " + count(phases.plan().readings()),
            readings == phases.plan().readings()));
  }

  private List<String> notes() {
    return List.of(
        "Patients are written with PUT and deterministic ids, so a rerun updates them (200) instead of creating"
            + " duplicates; the vitals are not idempotent: a rerun adds every reading again (the raw table does"
            + " not de-duplicate by reading id), so rerun with --vitals-patients=0 to refresh only the Patients.",
        "The hourly aggregates (vital_aggregate_1h, read by /vitals/hourly) come from the stream processor's"
            + " event-time windows; history lands there only if no newer reading reached its Kafka partition"
            + " first. Seed on a platform whose data directory is fresh and whose device simulator is off"
            + " (./vitalflow start --patients=0 --data-dir=<new>); see docs/loadgen.md, \"Seeded history\".",
        "The timeline shows requests (Bundles, NDJSON requests) per second; the progress lines show Patients/s"
            + " and readings/s.");
  }

  private long failed(String operation) {
    return meters.summaries(1).stream()
        .filter(o -> o.name().equals(operation))
        .mapToLong(OperationSummary::errors)
        .sum();
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String rate(long n, double seconds) {
    return String.format(Locale.ROOT, "%,.0f", seconds > 0 ? n / seconds : 0.0);
  }

  private static String secs(double seconds) {
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
