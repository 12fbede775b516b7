package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import io.vitalflow.loadgen.report.Table.Column;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline as a short table: at most {@link #MAX_ROWS} rows, neighbouring intervals merged when
 * there are more. A merged row's rate and errors cover all its intervals; its latencies are its
 * worst interval's.
 */
record OverTime(Table table, String caption) {

  static final int MAX_ROWS = 12;

  static OverTime of(List<TimelinePoint> timeline) {
    int perRow = Math.max(1, (timeline.size() + MAX_ROWS - 1) / MAX_ROWS);
    List<List<String>> rows = new ArrayList<>();
    double start = 0;
    for (int from = 0; from < timeline.size(); from += perRow) {
      List<TimelinePoint> group = timeline.subList(from, Math.min(timeline.size(), from + perRow));
      rows.add(row(start, group));
      start = group.get(group.size() - 1).atSeconds();
    }
    Table table =
        new Table(
            List.of(
                Column.number("until s"),
                Column.number("ops/s"),
                Column.number("errors"),
                Column.number("p50 ms"),
                Column.number("p99 ms"),
                Column.number("concurrency")),
            rows);
    String caption =
        perRow == 1
            ? ""
            : "Each row covers "
                + perRow
                + " progress intervals; its latencies are the worst of them.";
    return new OverTime(table, caption);
  }

  private static List<String> row(double start, List<TimelinePoint> group) {
    double operations = 0;
    long errors = 0;
    double p50 = 0;
    double p99 = 0;
    double previous = start;
    for (TimelinePoint point : group) {
      operations += point.perSecond() * Math.max(0, point.atSeconds() - previous);
      previous = point.atSeconds();
      errors += point.errors();
      p50 = Math.max(p50, point.p50Millis());
      p99 = Math.max(p99, point.p99Millis());
    }
    TimelinePoint last = group.get(group.size() - 1);
    double length = last.atSeconds() - start;
    double rate = group.size() == 1 || length <= 0 ? last.perSecond() : operations / length;
    return List.of(
        Format.significant(last.atSeconds()),
        Format.significant(rate),
        Format.count(errors),
        Format.significant(p50),
        Format.significant(p99),
        Format.count(last.concurrency()));
  }
}
