package io.vitalflow.loadgen.vitals;

import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code vitals} run as a {@link RunReport}; measuring stays in {@link VitalsBenchmark}. */
public final class VitalsReport {

  private VitalsReport() {}

  public static RunReport of(VitalsBenchmark.Result r, VitalsOptions o) {
    long requests = r.accepted() / o.batch() + r.failedRequests();
    OperationSummary post =
        new OperationSummary(
            "POST /api/v1/vitals (" + o.batch() + " readings)",
            requests,
            r.failedRequests(),
            r.failedRequests() == 0 ? Map.of() : Map.of("not HTTP 200", r.failedRequests()),
            r.requestLatency(),
            r.sendSeconds());
    return new RunReport(
        "vitals",
        "Vitals ingest: device fleets posting readings",
        r.started(),
        Duration.ofNanos((long) (r.sendSeconds() * 1e9)),
        settings(o),
        List.of(post),
        r.timeline(),
        results(r),
        comparisons(r),
        List.of(
            new ThresholdResult(
                "every accepted reading stored",
                String.format(Locale.ROOT, "%,d of %,d", r.stored(), r.accepted()),
                r.stored() == r.accepted())),
        List.of(
            "Request latency runs from each batch's intended send time (open loop), so queueing in front of"
                + " a slow gateway is counted.",
            "Timeline: accepted readings per second, failed requests, request latency and requests in flight per"
                + " progress second.",
            "Accepted->stored percentiles come from PostgreSQL (stored_at - received_at of this run's rows)."));
  }

  private static List<Setting> settings(VitalsOptions o) {
    return List.of(
        new Setting("gateway", o.ingestBase() + "/api/v1/vitals"),
        new Setting(
            "offered",
            String.format(
                Locale.ROOT,
                "%,d readings/s in NDJSON batches of %d for %d s",
                o.rate(),
                o.batch(),
                o.duration().toSeconds())),
        new Setting("patients", String.format(Locale.ROOT, "%,d", o.patients())),
        new Setting("requests in flight", "at most " + o.concurrency()),
        new Setting("database", o.jdbcUrl()),
        new Setting("drain timeout", o.drainTimeout().toSeconds() + " s"));
  }

  private static List<Result> results(VitalsBenchmark.Result r) {
    return List.of(
        new Result("offered readings", String.format(Locale.ROOT, "%,d", r.offered())),
        new Result(
            "accepted readings",
            String.format(
                Locale.ROOT, "%,d (%,.0f/s sustained)", r.accepted(), r.acceptedPerSecond())),
        new Result("failed requests", String.format(Locale.ROOT, "%,d", r.failedRequests())),
        new Result(
            "stored rows",
            String.format(
                Locale.ROOT,
                "%,d (%s)",
                r.stored(),
                r.stored() == r.accepted()
                    ? "all accepted readings stored"
                    : "MISMATCH with accepted")),
        new Result("stored rate", String.format(Locale.ROOT, "%,.0f rows/s", r.storedPerSecond())),
        new Result(
            "accepted->stored",
            String.format(
                Locale.ROOT,
                "p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                r.storedP50Ms(),
                r.storedP99Ms(),
                r.storedMaxMs())));
  }

  private static List<Comparison> comparisons(VitalsBenchmark.Result r) {
    return List.of(
        new Comparison(
            "vital writes per second",
            String.format(Locale.ROOT, "%,.0f rows/s stored", r.storedPerSecond()),
            "4,110 tps (write_vitals, Scenario 3)",
            "the report has no device-ingest scenario; its nearest figure is pgbench single-row INSERTs into"
                + " patient_vitals, 5% of a mixed query load on an r6i.xlarge database; ours is HTTP batches through"
                + " the gateway, Kafka and the stream processor into TimescaleDB on one shared machine"),
        new Comparison(
            "write latency p99",
            String.format(Locale.ROOT, "%.0f ms accepted->stored", r.storedP99Ms()),
            "9.3 ms (write_vitals INSERT)",
            "theirs is one INSERT statement; ours is from the gateway's acceptance to the row in the database"));
  }
}
