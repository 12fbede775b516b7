package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/** Realistic and degenerate run reports for the report tests; every figure is synthetic. */
final class SampleReports {

  static final Instant STARTED = Instant.parse("2025-09-15T10:00:00Z");
  static final String TITLE = "Scenario 1: FHIR CRUD <mix> & more | pipes";
  static final String TARGET = "http://localhost:8080/fhir";
  static final String BROKEN_LIMIT = "p99 < 50 ms";
  static final String NOTE = "Reads hit a <b>warm</b> cache & \"writes\" | deletes do not.";
  static final double SECONDS = 60;

  private SampleReports() {}

  /**
   * A FHIR-like run: reads, writes and their total, a 60 s timeline, comparisons, one broken
   * threshold.
   */
  static RunReport fhir() {
    return fhir(
        List.of(
            new ThresholdResult("p95 < 100 ms", "41.2 ms", true),
            new ThresholdResult(BROKEN_LIMIT, "73.5 ms", false),
            new ThresholdResult("error rate < 1%", "0.12%", true)));
  }

  /** The same run with every threshold held. */
  static RunReport fhirPassing() {
    return fhir(List.of(new ThresholdResult("p95 < 100 ms", "41.2 ms", true)));
  }

  static RunReport fhir(List<ThresholdResult> thresholds) {
    Histogram read = latencies(new Random(7), 9000, 2_000, 8_000);
    Histogram write = latencies(new Random(11), 3000, 5_000, 20_000);
    Histogram all = read.copy();
    all.add(write);
    List<OperationSummary> operations =
        List.of(
            new OperationSummary(
                "read", 9000, 6, Map.of("HTTP 503", 4L, "timeout", 2L), read, SECONDS),
            new OperationSummary("write | create", 3000, 9, Map.of("HTTP 409", 9L), write, SECONDS),
            new OperationSummary(RunReport.ALL, 12000, 15, Map.of(), all, SECONDS));
    return new RunReport(
        "fhir",
        TITLE,
        STARTED,
        Duration.ofSeconds(60),
        List.of(
            new Setting("target", TARGET),
            new Setting("stages", "30s@10|30s@100"),
            new Setting("mix", "read 75%, write 25%")),
        operations,
        timeline(30, 2),
        List.of(new Result("patients seeded", "10,000")),
        List.of(
            new Comparison(
                "throughput", "200 req/s", "40,870 req/s", "one laptop core, not 8 vCPU | a mesh"),
            new Comparison("p99", "73.5 ms", "", "the report has no p99 per stage")),
        thresholds,
        List.of(NOTE, "Warm-up excluded."));
  }

  /** A run that measured nothing: the shape of a scenario without operations or timeline. */
  static RunReport empty() {
    return new RunReport(
        "jmh",
        "Scenario 4: WASM plugin calls",
        STARTED,
        Duration.ZERO,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * Everything a chart can trip on: an empty histogram, one timeline point, zeros, huge and
   * non-finite values.
   */
  static RunReport degenerate() {
    Histogram huge = new Histogram(3);
    huge.recordValue(1L << 50);
    huge.recordValue(1);
    List<OperationSummary> operations =
        List.of(
            new OperationSummary("nothing", 0, 0, Map.of(), new Histogram(3), 0),
            new OperationSummary("huge", 2, 0, Map.of(), huge, 1e-300));
    List<TimelinePoint> timeline =
        List.of(new TimelinePoint(0, Double.NaN, 0, Double.POSITIVE_INFINITY, Double.MAX_VALUE, 0));
    return new RunReport(
        "edge",
        "Edge cases",
        STARTED,
        Duration.ofMillis(1),
        List.of(),
        operations,
        timeline,
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * A run whose only timeline point reports zeros everywhere and whose histogram holds only zeros.
   */
  static RunReport zeros() {
    Histogram zero = new Histogram(3);
    zero.recordValue(0);
    List<OperationSummary> operations =
        List.of(new OperationSummary("idle", 1, 0, Map.of(), zero, 1));
    return new RunReport(
        "zeros",
        "All zeros",
        STARTED,
        Duration.ofSeconds(1),
        List.of(),
        operations,
        List.of(new TimelinePoint(1, 0, 0, 0, 0, 0)),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /** A shifted exponential distribution of latencies in microseconds. */
  static Histogram latencies(Random random, int count, long floorMicros, double meanMicros) {
    Histogram histogram = new Histogram(3);
    for (int i = 0; i < count; i++) {
      histogram.recordValue(floorMicros + (long) (-meanMicros * Math.log(1 - random.nextDouble())));
    }
    return histogram;
  }

  /**
   * {@code points} intervals of {@code every} seconds: ramping throughput, a few errors, growing
   * concurrency.
   */
  static List<TimelinePoint> timeline(int points, double every) {
    List<TimelinePoint> timeline = new ArrayList<>();
    for (int i = 1; i <= points; i++) {
      double rate = Math.min(250, 20.0 * i);
      timeline.add(
          new TimelinePoint(
              i * every, rate, i % 7 == 0 ? 3 : 0, 9 + i % 3, 60 + i, Math.min(100, 10L * i)));
    }
    return timeline;
  }
}
