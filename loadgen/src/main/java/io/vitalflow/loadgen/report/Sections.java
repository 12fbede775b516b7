package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import io.vitalflow.loadgen.report.Table.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's report as format-independent sections in display order, the same for Markdown and HTML. A
 * section with nothing in it is left out.
 */
final class Sections {

  /** The latency percentiles of the replaced system's report, as (label, percentile). */
  static final List<Map.Entry<String, Double>> PERCENTILES =
      List.of(
          Map.entry("min", 0.0),
          Map.entry("p25", 25.0),
          Map.entry("p50", 50.0),
          Map.entry("p75", 75.0),
          Map.entry("p90", 90.0),
          Map.entry("p95", 95.0),
          Map.entry("p99", 99.0),
          Map.entry("p99.9", 99.9),
          Map.entry("max", 100.0));

  private Sections() {}

  /** What a section is about, with its heading. */
  enum Part {
    SETUP("How it was run"),
    LATENCY("Latency by operation (ms)"),
    ERRORS("Errors"),
    OVER_TIME("Over time"),
    RESULTS("Results"),
    COMPARISON("Compared with the replaced system"),
    THRESHOLDS("Thresholds");

    final String heading;

    Part(String heading) {
      this.heading = heading;
    }
  }

  /** One section: its table and a sentence under it (empty when there is none). */
  record Section(Part part, Table table, String caption) {}

  /** The run's title, or its scenario name when it has none. */
  static String title(RunReport report) {
    return report.title() == null || report.title().isBlank() ? report.scenario() : report.title();
  }

  static List<Section> of(RunReport report) {
    List<Section> sections = new ArrayList<>();
    sections.add(new Section(Part.SETUP, setup(report), ""));
    sections.add(new Section(Part.LATENCY, latency(report.operations()), ""));
    sections.add(new Section(Part.ERRORS, errors(report.operations()), ""));
    OverTime overTime = OverTime.of(report.timeline());
    sections.add(new Section(Part.OVER_TIME, overTime.table(), overTime.caption()));
    sections.add(new Section(Part.RESULTS, results(report.results()), ""));
    sections.add(new Section(Part.COMPARISON, comparisons(report.comparisons()), ""));
    sections.add(new Section(Part.THRESHOLDS, thresholds(report.thresholds()), ""));
    sections.removeIf(section -> section.table().isEmpty());
    return List.copyOf(sections);
  }

  private static Table setup(RunReport report) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("started", Format.instant(report.started())));
    rows.add(List.of("measured for", Format.duration(report.elapsed())));
    for (Setting setting : report.settings()) {
      rows.add(List.of(setting.name(), setting.value()));
    }
    return new Table(List.of(Column.text("setting"), Column.text("value")), rows);
  }

  private static Table latency(List<OperationSummary> operations) {
    List<Column> columns =
        new ArrayList<>(
            List.of(
                Column.text("operation"),
                Column.number("count"),
                Column.number("rate/s"),
                Column.number("errors"),
                Column.number("error rate")));
    PERCENTILES.forEach(percentile -> columns.add(Column.number(percentile.getKey())));
    List<List<String>> rows = operations.stream().map(Sections::latencyRow).toList();
    return new Table(columns, rows);
  }

  private static List<String> latencyRow(OperationSummary operation) {
    List<String> row =
        new ArrayList<>(
            List.of(
                operation.name(),
                Format.count(operation.count()),
                Format.significant(operation.perSecond()),
                Format.count(operation.errors()),
                Format.percent(operation.errorRate())));
    boolean measured = operation.latencyMicros().getTotalCount() > 0;
    PERCENTILES.forEach(
        percentile ->
            row.add(
                measured
                    ? Format.significant(operation.millisAt(percentile.getValue()))
                    : Format.NONE));
    return row;
  }

  private static Table errors(List<OperationSummary> operations) {
    List<List<String>> rows = new ArrayList<>();
    for (OperationSummary operation : operations) {
      operation.errorKinds().entrySet().stream()
          .sorted(
              Map.Entry.<String, Long>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry.comparingByKey()))
          .forEach(
              kind ->
                  rows.add(
                      List.of(operation.name(), kind.getKey(), Format.count(kind.getValue()))));
    }
    return new Table(
        List.of(Column.text("operation"), Column.text("error"), Column.number("count")), rows);
  }

  private static Table results(List<Result> results) {
    List<List<String>> rows =
        results.stream().map(result -> List.of(result.name(), result.value())).toList();
    return new Table(List.of(Column.text("result"), Column.text("value")), rows);
  }

  private static Table comparisons(List<Comparison> comparisons) {
    List<List<String>> rows =
        comparisons.stream()
            .map(
                c ->
                    List.of(
                        c.metric(),
                        c.ours(),
                        c.replaced().isBlank() ? Format.NONE : c.replaced(),
                        c.note()))
            .toList();
    return new Table(
        List.of(
            Column.text("metric"),
            Column.text("VitalFlow"),
            Column.text("replaced system"),
            Column.text("what differs")),
        rows);
  }

  private static Table thresholds(List<ThresholdResult> thresholds) {
    List<List<String>> rows =
        thresholds.stream()
            .map(t -> List.of(t.limit(), t.actual(), Verdict.mark(t.held())))
            .toList();
    return new Table(
        List.of(Column.text("limit"), Column.text("measured"), Column.text("held")), rows);
  }
}
