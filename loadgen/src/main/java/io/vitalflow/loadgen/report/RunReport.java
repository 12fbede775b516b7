package io.vitalflow.loadgen.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one scenario run measured, in the shape of the replaced system's benchmark report: settings,
 * latency percentiles per operation, throughput over time, scalar results, thresholds and the
 * report's own figures side by side. {@link MarkdownReport} and {@link HtmlReport} render it;
 * nothing here formats.
 *
 * @param scenario the command-line name ({@code fhir}, {@code dashboard}, ...)
 * @param title the report's section title ({@code Scenario 1: FHIR CRUD mix})
 * @param started wall-clock start of the run
 * @param elapsed length of the measured phase (seeding and setup excluded)
 * @param settings how it was run: target URLs, load model, stages, mix...; in order of display
 * @param operations latency and counts per operation, the total last (named {@link #ALL}) when
 *     there are several
 * @param timeline throughput, errors and latency per progress interval
 * @param results scalar results that are not latencies (connections held, heap per connection, rows
 *     stored...)
 * @param comparisons our figure next to the replaced system's, with what differs
 * @param thresholds the pass/fail limits and how they came out; the exit code follows them
 * @param notes free sentences: why a number is what it is, what was skipped
 */
public record RunReport(
    String scenario,
    String title,
    Instant started,
    Duration elapsed,
    List<Setting> settings,
    List<OperationSummary> operations,
    List<TimelinePoint> timeline,
    List<Result> results,
    List<Comparison> comparisons,
    List<ThresholdResult> thresholds,
    List<String> notes) {

  /** Name of the summary row over all operations. */
  public static final String ALL = "all";

  public RunReport {
    settings = List.copyOf(settings);
    operations = List.copyOf(operations);
    timeline = List.copyOf(timeline);
    results = List.copyOf(results);
    comparisons = List.copyOf(comparisons);
    thresholds = List.copyOf(thresholds);
    notes = List.copyOf(notes);
  }

  /** True when every threshold held (a run without thresholds passes). */
  public boolean passed() {
    return thresholds.stream().allMatch(ThresholdResult::held);
  }

  /** One line of "how it was run". */
  public record Setting(String name, String value) {}

  /**
   * One operation's counts and latencies over the measured phase.
   *
   * @param latencyMicros latency histogram in microseconds (3 significant digits)
   * @param errorKinds failure description ("HTTP 503", "timeout") to count
   * @param seconds the length of the phase the count is over, for the rate
   */
  public record OperationSummary(
      String name,
      long count,
      long errors,
      Map<String, Long> errorKinds,
      Histogram latencyMicros,
      double seconds) {

    public OperationSummary {
      errorKinds = Map.copyOf(errorKinds);
    }

    public double perSecond() {
      return seconds > 0 ? count / seconds : 0;
    }

    public double errorRate() {
      return count == 0 ? 0 : (double) errors / count;
    }

    /** The latency at {@code percentile} (0-100) in milliseconds. */
    public double millisAt(double percentile) {
      return latencyMicros.getTotalCount() == 0
          ? 0
          : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /**
   * One progress interval.
   *
   * @param atSeconds end of the interval, seconds since the measured phase began
   * @param perSecond completed operations per second in the interval
   * @param errors failed operations in the interval
   * @param p50Millis median latency in the interval (0 when nothing completed)
   * @param p99Millis 99th percentile latency in the interval
   * @param concurrency virtual users, connections or requests in flight at its end, as the scenario
   *     defines
   */
  public record TimelinePoint(
      double atSeconds,
      double perSecond,
      long errors,
      double p50Millis,
      double p99Millis,
      long concurrency) {}

  /**
   * A scalar result: {@code connections held = 19,500}, {@code heap per idle connection = 18.2 KB}.
   */
  public record Result(String name, String value) {}

  /**
   * A figure of ours next to the replaced system's report.
   *
   * @param metric what is compared ({@code throughput}, {@code p99})
   * @param ours our figure with its unit
   * @param replaced the report's figure with its unit, or an empty string when it has none
   * @param note what differs (hardware, what is measured)
   */
  public record Comparison(String metric, String ours, String replaced, String note) {}

  /** A limit such as {@code p99 < 200 ms}, the measured value and whether it held. */
  public record ThresholdResult(String limit, String actual, boolean held) {}
}
