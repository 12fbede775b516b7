package io.vitalflow.loadgen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vitalflow.loadgen.OperationMix.Operation;

/**
 * Latencies (microseconds, 3 significant digits), counts and failures of one operation; safe to record from any
 * thread.
 */
final class OperationStats {

  private final Operation operation;
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final LongAdder count = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

  OperationStats(Operation operation) {
    this.operation = operation;
  }

  Operation operation() {
    return operation;
  }

  /** One completed request; {@code failure} is null when it succeeded, else what went wrong ("HTTP 404", "timeout"). */
  void record(long micros, String failure) {
    recorder.recordValue(Math.max(0, micros));
    count.increment();
    if (failure != null) {
      errors.increment();
      errorKinds.computeIfAbsent(failure, kind -> new LongAdder()).increment();
    }
  }

  /** Moves what was recorded since the last call into the total and returns it; call from one thread only. */
  Histogram harvest() {
    Histogram interval = recorder.getIntervalHistogram();
    total.add(interval);
    return interval;
  }

  /** Everything harvested so far. */
  Histogram total() {
    return total;
  }

  long count() {
    return count.sum();
  }

  long errors() {
    return errors.sum();
  }

  Map<String, Long> errorKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((kind, n) -> kinds.put(kind, n.sum()));
    return kinds;
  }
}
