package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Mode;

/**
 * What JMH measured for one benchmark and parameter set, independent of JMH's result classes (which
 * {@link JmhResults} reads): the raw values JMH kept and how they were taken.
 *
 * @param operation the operation's name in the report ({@code hot 3 meds: plugin AOT})
 * @param mode {@link Mode#SampleTime}: sampled single calls; {@link Mode#SingleShotTime}: one shot
 *     per value; {@link Mode#AverageTime}: one mean per iteration
 * @param unit the unit of {@code values}, score and error
 * @param values value to how often it occurred, in {@code unit}
 * @param operations calls made in the measured iterations (all of them, not only the sampled ones)
 * @param measuredSeconds length of the measured iterations (sum of shots for single-shot)
 * @param score JMH's score (mean) in {@code unit}
 * @param scoreError JMH's 99.9% error in {@code unit}, NaN when it has none
 * @param threads the threads JMH ran the benchmark on at once
 */
record JmhMeasurement(
    String operation,
    Mode mode,
    TimeUnit unit,
    NavigableMap<Double, Long> values,
    long operations,
    double measuredSeconds,
    double score,
    double scoreError,
    int threads) {

  JmhMeasurement {
    values = new TreeMap<>(values);
  }

  /** A measurement on one thread. */
  JmhMeasurement(
      String operation,
      Mode mode,
      TimeUnit unit,
      NavigableMap<Double, Long> values,
      long operations,
      double measuredSeconds,
      double score,
      double scoreError) {
    this(operation, mode, unit, values, operations, measuredSeconds, score, scoreError, 1);
  }

  /**
   * The measurement as a report operation: the histogram holds the raw values in microseconds,
   * rounded up to whole microseconds (so a 0.4 µs call counts as 1 µs: the report model's
   * resolution); its count is the number of values, {@code count} the calls, so {@code perSecond}
   * is calls per second of measured time.
   */
  OperationSummary toSummary() {
    Histogram micros = new Histogram(3);
    for (Map.Entry<Double, Long> entry : values.entrySet()) {
      micros.recordValueWithCount((long) Math.ceil(toMicros(entry.getKey())), entry.getValue());
    }
    return new OperationSummary(operation, operations, 0, Map.of(), micros, measuredSeconds);
  }

  /** Mean time per call in microseconds. */
  double meanMicros() {
    return toMicros(score);
  }

  /**
   * The value at {@code percentile} (0-100) of the raw values, in microseconds, without rounding.
   */
  double percentileMicros(double percentile) {
    long total = values.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
    long seen = 0;
    for (Map.Entry<Double, Long> entry : values.entrySet()) {
      seen += entry.getValue();
      if (seen >= rank) {
        return toMicros(entry.getKey());
      }
    }
    return toMicros(values.lastKey());
  }

  /** Number of raw values. */
  long valueCount() {
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Calls per second of measured time, one thread. */
  double callsPerSecond() {
    return measuredSeconds > 0 ? operations / measuredSeconds : 0;
  }

  double toMicros(double value) {
    return value * unit.toNanos(1) / 1000.0;
  }

  /** What a percentile of this measurement is a percentile of, for the report's notes. */
  String percentileMeaning() {
    return switch (mode) {
      case SampleTime -> "single calls sampled by JMH (timer cost of a few tens of ns included)";
      case SingleShotTime -> "single shots, one value per shot";
      case AverageTime -> "per-iteration mean times (not single calls)";
      default -> "JMH " + mode + " values";
    };
  }
}
