package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import io.vitalflow.loadgen.report.SvgChart.Point;
import io.vitalflow.loadgen.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The HTML report's charts, drawn from a run's latency histograms and timeline; empty when there is
 * no data.
 */
final class Charts {

  /** Okabe–Ito colours, told apart with colour-blindness too. */
  private static final List<String> PALETTE =
      List.of(
          "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D", "#8C564B");

  private static final String TOTAL_COLOUR = "#222222";
  private static final String CONCURRENCY_COLOUR = "#888888";
  private static final String THROUGHPUT = "Throughput over time";
  private static final int POINTS_PER_NINE = 20;
  private static final int MIN_NINES = 2;
  private static final int MAX_NINES = 6;

  private Charts() {}

  /**
   * Latency (ms) against percentile on a "nines" scale, one line per operation that completed
   * anything. The scale reaches as many nines as the largest histogram has samples for (at least
   * 99%, at most 99.9999%).
   */
  static Optional<String> latencyByPercentile(List<OperationSummary> operations) {
    List<OperationSummary> measured =
        operations.stream()
            .filter(operation -> operation.latencyMicros().getTotalCount() > 0)
            .toList();
    if (measured.isEmpty()) {
      return Optional.empty();
    }
    long most =
        measured.stream()
            .mapToLong(operation -> operation.latencyMicros().getTotalCount())
            .max()
            .orElse(1);
    int nines = Math.max(MIN_NINES, Math.min(MAX_NINES, (int) Math.ceil(Math.log10(most))));
    List<Series> lines = new ArrayList<>();
    for (int i = 0; i < measured.size(); i++) {
      OperationSummary operation = measured.get(i);
      lines.add(Series.solid(operation.name(), colour(operation, i), spectrum(operation, nines)));
    }
    Axis millis = Axis.linear("latency ms", largest(lines, Point::y));
    return Optional.of(
        SvgChart.of("Latency by percentile", Axis.nines(nines), millis, lines).svg());
  }

  /**
   * Completed and failed operations per second over the run, with the concurrency dashed on the
   * right.
   */
  static Optional<String> throughput(List<TimelinePoint> timeline) {
    if (timeline.isEmpty()) {
      return Optional.empty();
    }
    List<Series> lines = new ArrayList<>();
    lines.add(Series.solid("ops/s", PALETTE.get(0), points(timeline, TimelinePoint::perSecond)));
    lines.add(Series.solid("errors/s", PALETTE.get(1), errorsPerSecond(timeline)));
    Axis seconds = seconds(timeline);
    Axis perSecond = Axis.linear("per second", largest(lines, Point::y));
    List<Point> concurrency = points(timeline, TimelinePoint::concurrency);
    if (concurrency.stream().noneMatch(point -> point.y() > 0)) {
      return Optional.of(SvgChart.of(THROUGHPUT, seconds, perSecond, lines).svg());
    }
    Series dashed = new Series("concurrency", CONCURRENCY_COLOUR, concurrency, true, true);
    lines.add(dashed);
    Axis right = Axis.linear("concurrency", largest(List.of(dashed), Point::y));
    return Optional.of(
        SvgChart.of(THROUGHPUT, seconds, perSecond, lines).withRightAxis(right).svg());
  }

  /** Median and 99th percentile latency per progress interval. */
  static Optional<String> latencyOverTime(List<TimelinePoint> timeline) {
    if (timeline.isEmpty()) {
      return Optional.empty();
    }
    List<Series> lines =
        List.of(
            Series.solid("p50", PALETTE.get(0), points(timeline, TimelinePoint::p50Millis)),
            Series.solid("p99", PALETTE.get(1), points(timeline, TimelinePoint::p99Millis)));
    Axis millis = Axis.linear("latency ms", largest(lines, Point::y));
    return Optional.of(SvgChart.of("Latency over time", seconds(timeline), millis, lines).svg());
  }

  private static List<Point> spectrum(OperationSummary operation, int nines) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i <= nines * POINTS_PER_NINE; i++) {
      double n = (double) i / POINTS_PER_NINE;
      double percentile = 100 * (1 - Math.pow(10, -n));
      points.add(new Point(n, operation.millisAt(percentile)));
    }
    return points;
  }

  private static String colour(OperationSummary operation, int index) {
    return operation.name().equals(RunReport.ALL)
        ? TOTAL_COLOUR
        : PALETTE.get(index % PALETTE.size());
  }

  private static Axis seconds(List<TimelinePoint> timeline) {
    double last =
        timeline.stream()
            .mapToDouble(TimelinePoint::atSeconds)
            .filter(Double::isFinite)
            .max()
            .orElse(0);
    return Axis.linear("seconds", last);
  }

  private static List<Point> points(
      List<TimelinePoint> timeline, ToDoubleFunction<TimelinePoint> value) {
    return timeline.stream()
        .map(point -> new Point(point.atSeconds(), value.applyAsDouble(point)))
        .toList();
  }

  /** Each interval's errors over its length; the first interval starts at 0. */
  private static List<Point> errorsPerSecond(List<TimelinePoint> timeline) {
    List<Point> points = new ArrayList<>();
    double previous = 0;
    for (TimelinePoint point : timeline) {
      double length = point.atSeconds() - previous;
      points.add(
          new Point(point.atSeconds(), length > 0 ? point.errors() / length : point.errors()));
      previous = point.atSeconds();
    }
    return points;
  }

  /** The largest finite coordinate over all series, 0 when there is none. */
  private static double largest(List<Series> lines, ToDoubleFunction<Point> coordinate) {
    return lines.stream()
        .flatMap(line -> line.points().stream())
        .mapToDouble(coordinate)
        .filter(Double::isFinite)
        .max()
        .orElse(0);
  }
}
