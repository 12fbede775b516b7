package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.interactions.InteractionsOptions.Part;
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
import java.util.stream.Collectors;
import org.openjdk.jmh.util.Version;

/** Builds the {@code interactions} {@link RunReport} from what was measured. */
final class InteractionsReport {

  static final String FULL_RUN =
      "loadgen interactions --forks=3 --warmup=5 --iterations=10 --time=2s"
          + " --cold-runs=30 --reload-runs=100 --stages=10s:8,60s:8";

  private InteractionsReport() {}

  static RunReport build(
      InteractionsOptions options,
      Measurements m,
      Instant started,
      Duration elapsed,
      String machine) {
    List<ThresholdResult> thresholds = new ArrayList<>();
    thresholds.add(
        new ThresholdResult(
            "every selected part completed",
            m.failures().isEmpty() ? "yes" : String.join("; ", m.failures()),
            m.failures().isEmpty()));
    if (m.http() != null) {
      thresholds.addAll(options.thresholds().evaluate(m.http().all()));
    }
    return new RunReport(
        "interactions",
        "Scenario 4: drug-interaction plugin, cold and hot",
        started,
        elapsed,
        settings(options, machine),
        operations(m),
        m.http() == null ? List.of() : m.http().timeline(),
        results(m),
        Scenario4.compare(m),
        thresholds,
        notes(options, m, machine));
  }

  private static List<Setting> settings(InteractionsOptions o, String machine) {
    List<Setting> settings = new ArrayList<>();
    settings.add(
        new Setting(
            "parts",
            List.of(Part.values()).stream()
                .filter(o::runs)
                .map(Part::flag)
                .collect(Collectors.joining(","))));
    settings.add(
        new Setting(
            "JMH",
            Version.getPlainVersion()
                + ", forks "
                + o.forks()
                + ", warm-up "
                + o.warmup()
                + ", hot path "
                + o.iterations()
                + " × "
                + o.time().toMillis()
                + " ms, cold runs "
                + o.coldRuns()
                + ", reload shots "
                + o.reloadRuns()));
    settings.add(
        new Setting(
            "medications",
            "3: aspirin 1191, ibuprofen 5640, warfarin 11289 (code + name);"
                + " 10: RxNorm ingredient and clinical-drug codes"));
    settings.add(new Setting("machine", machine));
    if (o.runs(Part.HTTP)) {
      settings.add(new Setting("CDS service", o.cdsService().toString()));
      settings.add(new Setting("load model", LoadModels.describe(o.model())));
      settings.add(new Setting("thresholds", o.thresholds().toString()));
    }
    return settings;
  }

  private static List<OperationSummary> operations(Measurements m) {
    List<OperationSummary> operations = new ArrayList<>();
    m.jmh().forEach(measurement -> operations.add(measurement.toSummary()));
    if (m.http() != null) {
      m.http().operations().stream()
          .filter(o -> !o.name().equals(RunReport.ALL))
          .forEach(operations::add);
    }
    return operations;
  }

  private static List<Result> results(Measurements m) {
    List<Result> results = new ArrayList<>();
    m.jmh()
        .forEach(
            measurement -> results.add(new Result(measurement.operation(), describe(measurement))));
    m.hot(3, "plugin AOT")
        .ifPresent(
            aot ->
                m.hot(3, "plugin interpreter")
                    .ifPresent(
                        interp ->
                            results.add(
                                new Result(
                                    "AOT vs interpreter (3 meds)",
                                    String.format(
                                        Locale.ROOT,
                                        "%.0fx faster",
                                        interp.meanMicros() / aot.meanMicros())))));
    if (m.http() != null) {
      results.add(httpResult(m.http()));
    }
    return results;
  }

  static String describe(JmhMeasurement m) {
    boolean shots = m.mode() == org.openjdk.jmh.annotations.Mode.SingleShotTime;
    String mean =
        shots ? Scenario4.millis(m.meanMicros()) : Scenario4.micros(m.meanMicros()) + "/call";
    String error =
        Double.isNaN(m.scoreError())
            ? ""
            : " (99.9% CI ± "
                + (shots
                    ? Scenario4.millis(m.toMicros(m.scoreError()))
                    : Scenario4.micros(m.toMicros(m.scoreError())))
                + ")";
    String p50 =
        shots ? Scenario4.millis(m.percentileMicros(50)) : Scenario4.micros(m.percentileMicros(50));
    String p99 =
        shots ? Scenario4.millis(m.percentileMicros(99)) : Scenario4.micros(m.percentileMicros(99));
    return String.format(
        Locale.ROOT,
        "mean %s%s, p50 %s, p99 %s, %,.1f %s/s, %,d %s",
        mean,
        error,
        p50,
        p99,
        m.callsPerSecond(),
        shots ? "shots" : "calls",
        m.valueCount(),
        shots ? "shots" : "sampled calls");
  }

  private static Result httpResult(LoadResult http) {
    OperationSummary all = http.all();
    return new Result(
        "CDS order-select over HTTP",
        String.format(
            Locale.ROOT,
            "%,d calls, %,.0f/s, %,d errors, p50 %.2f ms, p99 %.2f ms, peak concurrency %d, late starts %d,"
                + " not started %d",
            all.count(),
            all.perSecond(),
            all.errors(),
            all.millisAt(50),
            all.millisAt(99),
            http.peakConcurrency(),
            http.lateStarts(),
            http.notStarted()));
  }

  private static List<String> notes(InteractionsOptions o, Measurements m, String machine) {
    List<String> notes = new ArrayList<>();
    notes.add(
        "Operation histograms are in whole microseconds (the report model's unit), each value rounded up:"
            + " hot-path calls well under 1 µs show as 1 µs there; the exact figures are under Results.");
    m.jmh().stream()
        .map(x -> x.mode())
        .distinct()
        .forEach(
            mode ->
                notes.add(
                    "JMH "
                        + mode
                        + " percentiles are"
                        + " percentiles of "
                        + m.jmh().stream()
                            .filter(x -> x.mode() == mode)
                            .findFirst()
                            .orElseThrow()
                            .percentileMeaning()
                        + "."));
    notes.add(
        "Ours crosses a binary ABI into a Rust plugin compiled to JVM bytecode (Chicory AOT); theirs"
            + " JSON-encodes the list, calls through Extism (Wasmtime/Cranelift JIT) and JSON-decodes the answer.");
    notes.add(
        "Machine: "
            + machine
            + "; theirs an AWS c6i.2xlarge (8 vCPU) load generator and server."
            + " Other builds may share these cores: compare figures taken at similar load only.");
    // the threads JMH actually ran the hot path on, as its results say
    int threads = m.jmh().stream().mapToInt(JmhMeasurement::threads).max().orElse(1);
    if (threads > 1) {
      notes.add(
          "--threads="
              + threads
              + ": the hot path was called from "
              + threads
              + " threads at once (the checker's instance pool serves them); times are per call"
              + " on each thread.");
    }
    if (o.forks() == 0) {
      notes.add(
          "--forks=0: everything ran in this JVM, so the cold start is not a fresh JVM after its first"
              + " run, and JIT profiles leak between benchmarks.");
    }
    for (Part part : Part.values()) {
      if (!o.runs(part)) {
        notes.add("Part " + part.flag() + " skipped (--which).");
      }
    }
    notes.add("Quick defaults give wide error bars; a precise run: " + FULL_RUN + ".");
    m.failures().forEach(failure -> notes.add("Failed: " + failure));
    return notes;
  }
}
