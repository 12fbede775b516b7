package io.vitalflow.loadgen.vitalsquery;

import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import io.vitalflow.loadgen.vitalsquery.QueryMix.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@link RunReport} of one {@code loadgen vitals-query} run, with the replaced system's
 * Scenario 3 ("Database Query Throughput", pgbench) figures side by side.
 */
public final class VitalsQueryReport {

  /** What the replaced system's Scenario 3 measured and how. */
  static final String REPLACED_SETUP =
      "theirs: pgbench running the four SQL statements directly against"
          + " PostgreSQL 16 + TimescaleDB on an AWS RDS r6i.xlarge (4 vCPU, 32 GB RAM), 200 connections, 8 threads,"
          + " 600 s; ours: the same mix as HTTP requests through the FHIR API, the vitals API and the ingest gateway,"
          + " end to end, on one 2-core machine that also runs the load generator, Kafka, PostgreSQL and every service";

  private final VitalsQueryOptions options;
  private final Instant started;
  private final LoadResult result;
  private final VitalsQueryWorkload workload;

  VitalsQueryReport(
      VitalsQueryOptions options,
      Instant started,
      LoadResult result,
      VitalsQueryWorkload workload) {
    this.options = options;
    this.started = started;
    this.result = result;
    this.workload = workload;
  }

  RunReport build() {
    return new RunReport(
        "vitals-query",
        "Scenario 3: vitals query mix through the API",
        started,
        result.elapsed(),
        settings(),
        result.operations(),
        result.timeline(),
        results(),
        comparisons(),
        thresholds(),
        notes());
  }

  private List<Setting> settings() {
    return List.of(
        new Setting("FHIR API", options.fhirBase() + " (demographics: GET Patient/{id})"),
        new Setting(
            "vitals API",
            options.apiBase()
                + "/api/v1/patients/{id}/vitals?window=PT24H&limit=100 and"
                + " /vitals/hourly?window=P7D"),
        new Setting(
            "ingest gateway",
            options.ingestBase() + "/api/v1/vitals (one JSON reading, stamped now)"),
        new Setting(
            "Patients",
            String.format(
                Locale.ROOT,
                "%,d seeded (%s..%s); vitals queries on the first %,d",
                options.patients(),
                options.ids().patientId(1),
                options.ids().patientId(options.patients()),
                options.vitalsPatients())),
        new Setting("mix", options.mix().toString()),
        new Setting("load model", LoadModels.describe(options.model())),
        new Setting("timeout", options.timeout().toMillis() + " ms"),
        new Setting("thresholds", options.thresholds().toString()));
  }

  private List<Result> results() {
    OperationSummary all = result.all();
    List<Result> results =
        new ArrayList<>(
            List.of(
                new Result(
                    "requests",
                    String.format(
                        Locale.ROOT,
                        "%,d in %.1f s",
                        all.count(),
                        result.elapsed().toNanos() / 1e9)),
                new Result(
                    "throughput", String.format(Locale.ROOT, "%,.0f requests/s", all.perSecond())),
                new Result(
                    options.model() instanceof LoadModel.Closed
                        ? "peak virtual users"
                        : "peak in flight",
                    String.format(Locale.ROOT, "%,d", result.peakConcurrency())),
                new Result(
                    "empty recent-vitals answers",
                    String.format(Locale.ROOT, "%,d", workload.emptyRecent.sum())),
                new Result(
                    "empty hourly-aggregates answers",
                    String.format(Locale.ROOT, "%,d", workload.emptyHourly.sum()))));
    if (options.model() instanceof LoadModel.Open) {
      results.add(
          new Result(
              "late arrivals (waited for a free slot; the wait is in their latency)",
              String.format(Locale.ROOT, "%,d", result.lateStarts())));
      results.add(
          new Result(
              "arrivals never started (still queued when the stages ended)",
              String.format(Locale.ROOT, "%,d", result.notStarted())));
    }
    return results;
  }

  private List<Comparison> comparisons() {
    OperationSummary all = result.all();
    List<Comparison> comparisons = new ArrayList<>();
    comparisons.add(
        new Comparison(
            "throughput",
            String.format(Locale.ROOT, "%,.0f requests/s", all.perSecond()),
            "82,200 TPS",
            REPLACED_SETUP));
    comparisons.add(
        latency("p50, all", all, 50, "2.1 ms", "HTTP end to end vs SQL in the database"));
    comparisons.add(latency("p95, all", all, 95, "8.7 ms", ""));
    comparisons.add(latency("p99, all", all, 99, "15.3 ms", ""));
    comparisons.add(latency("p99.9, all", all, 99.9, "34.2 ms", ""));
    comparisons.add(
        perQuery(
            Query.DEMOGRAPHICS,
            "12.8 ms",
            "ours: the FHIR Patient resource (contact inside);"
                + " theirs: a join of patients and patient_contacts"));
    comparisons.add(
        perQuery(Query.RECENT_VITALS, "18.5 ms", "both: the 100 newest readings of 24 h"));
    comparisons.add(
        perQuery(
            Query.HOURLY_AGGREGATES,
            "22.1 ms",
            "ours: the streamed vital_aggregate_1h table;"
                + " theirs: time_bucket over a continuous aggregate"));
    comparisons.add(
        perQuery(
            Query.NEW_READING,
            "9.3 ms",
            "ours: answered after Kafka acknowledged (acks=all),"
                + " stored later by the sink; theirs: one INSERT"));
    return comparisons;
  }

  private Comparison perQuery(Query query, String replaced, String note) {
    return result.operations().stream()
        .filter(o -> o.name().equals(query.label()))
        .findFirst()
        .map(o -> latency("p99, " + query.label(), o, 99, replaced, note))
        .orElse(new Comparison("p99, " + query.label(), "not run", replaced, note));
  }

  private static Comparison latency(
      String metric, OperationSummary operation, double percentile, String replaced, String note) {
    return new Comparison(
        metric,
        String.format(Locale.ROOT, "%.1f ms", operation.millisAt(percentile)),
        replaced,
        note);
  }

  private List<ThresholdResult> thresholds() {
    return options.thresholds().evaluate(result.all());
  }

  private List<String> notes() {
    List<String> notes = new ArrayList<>();
    notes.add(
        "Not the same measurement as the replaced system's: "
            + REPLACED_SETUP
            + ". Their figures are"
            + " database-side; ours include HTTP, JSON, the API's connection pools and, for the new reading, the Kafka"
            + " acknowledgement. The reported figures are shown as published.");
    if (options.model() instanceof LoadModel.Open) {
      notes.add(
          "Open model: latency runs from each arrival's intended start, so time spent waiting for one of the"
              + " --max-in-flight slots is counted (no coordinated omission). Arrivals that never started are not in"
              + " the latencies: more than a handful of them (see results) means the server did not keep up with the"
              + " rate, whatever the percentiles say.");
    } else {
      notes.add(
          "Closed model: a slow server lowers the offered load; read the throughput with the latencies.");
    }
    if (workload.emptyRecent.sum() + workload.emptyHourly.sum() > 0) {
      notes.add(
          "Some vitals answers were empty arrays: the seeded history is missing for those patients (not"
              + " seeded, older than the window, or, for hourly aggregates, dropped by the stream processor because"
              + " newer readings had reached its partitions first; see docs/loadgen.md, \"Seeded history\"). Empty"
              + " answers are cheaper than full ones, so such a run flatters the latencies.");
    }
    return notes;
  }
}
