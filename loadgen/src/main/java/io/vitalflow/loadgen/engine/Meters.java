package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies (microseconds, 3 significant digits), counts and failure kinds per operation name.
 * {@link #record} is safe from any thread; {@link #harvest} and the totals belong to one reporting
 * thread.
 */
public final class Meters {

  private final Map<String, Meter> meters = new ConcurrentHashMap<>();
  private final Histogram all = new Histogram(3);
  private long harvestedCount;
  private long harvestedErrors;

  private static final class Meter {
    final Recorder recorder = new Recorder(3);
    final Histogram total = new Histogram(3);
    final LongAdder count = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  }

  /** One finished iteration. */
  public void record(Outcome outcome, long micros) {
    Meter meter = meters.computeIfAbsent(outcome.operation(), name -> new Meter());
    meter.recorder.recordValue(Math.max(0, micros));
    meter.count.increment();
    if (!outcome.succeeded()) {
      meter.errors.increment();
      meter.errorKinds.computeIfAbsent(outcome.failure(), kind -> new LongAdder()).increment();
    }
  }

  /** What completed since the last harvest, over all operations; the totals grow by it. */
  public Interval harvest() {
    Histogram interval = new Histogram(3);
    for (Meter meter : meters.values()) {
      Histogram h = meter.recorder.getIntervalHistogram();
      meter.total.add(h);
      interval.add(h);
    }
    all.add(interval);
    long count = count();
    long errors = errors();
    Interval result = new Interval(interval, count - harvestedCount, errors - harvestedErrors);
    harvestedCount = count;
    harvestedErrors = errors;
    return result;
  }

  /** Completions in one interval and their latencies. */
  public record Interval(Histogram latencyMicros, long count, long errors) {}

  public long count() {
    return meters.values().stream().mapToLong(m -> m.count.sum()).sum();
  }

  public long errors() {
    return meters.values().stream().mapToLong(m -> m.errors.sum()).sum();
  }

  /** Everything harvested so far over all operations. */
  public Histogram allLatencies() {
    return all;
  }

  /**
   * One summary per operation (by name), then {@link RunReport#ALL}; call after a final {@link
   * #harvest}.
   */
  public List<OperationSummary> summaries(double seconds) {
    List<OperationSummary> summaries = new ArrayList<>();
    Map<String, Long> allKinds = new TreeMap<>();
    new TreeMap<>(meters)
        .forEach(
            (name, meter) -> {
              Map<String, Long> kinds = new TreeMap<>();
              meter.errorKinds.forEach((kind, n) -> kinds.put(kind, n.sum()));
              kinds.forEach((kind, n) -> allKinds.merge(kind, n, Long::sum));
              summaries.add(
                  new OperationSummary(
                      name,
                      meter.count.sum(),
                      meter.errors.sum(),
                      kinds,
                      meter.total.copy(),
                      seconds));
            });
    summaries.add(
        new OperationSummary(RunReport.ALL, count(), errors(), allKinds, all.copy(), seconds));
    return summaries;
  }
}
