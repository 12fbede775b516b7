package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.Table.Column;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Several runs in one document (for {@code loadgen all}): a summary table on top with each run's
 * scenario, headline throughput, p99 and verdict, then each run's own report as {@link
 * MarkdownReport} and {@link HtmlReport} render it.
 */
public final class SuiteReport {

  static final String TITLE = "VitalFlow benchmark suite";

  private SuiteReport() {}

  /** The runs as one Markdown document. */
  public static String markdown(List<RunReport> reports) {
    StringBuilder md = new StringBuilder("# ").append(TITLE).append("\n\n");
    md.append(reports.isEmpty() ? "No runs.\n" : MarkdownReport.table(summary(reports)));
    reports.forEach(report -> md.append('\n').append(MarkdownReport.render(report)));
    return md.toString();
  }

  /** The runs as one self-contained HTML page. */
  public static String html(List<RunReport> reports) {
    StringBuilder body = new StringBuilder("<h1>").append(Text.xml(TITLE)).append("</h1>\n");
    body.append(reports.isEmpty() ? "<p>No runs.</p>\n" : HtmlReport.table(summary(reports)));
    for (int i = 0; i < reports.size(); i++) {
      body.append(HtmlReport.section(reports.get(i), sectionId(i, reports.get(i))));
    }
    return HtmlReport.page(TITLE, body.toString());
  }

  /**
   * Writes {@code suite-<time>.md} and {@code .html} into {@code directory} (created if needed),
   * the time being the first run's start, and prints the Markdown; returns the HTML file's path.
   */
  public static Path write(List<RunReport> reports, Path directory, PrintStream out)
      throws IOException {
    Instant first =
        reports.stream()
            .map(RunReport::started)
            .min(Comparator.naturalOrder())
            .orElseGet(Instant::now);
    return Reports.write(
        "suite-" + Reports.STAMP.format(first), markdown(reports), html(reports), directory, out);
  }

  /**
   * One row per run: scenario, title, throughput and p99 of its total (or only) operation, verdict.
   */
  static Table summary(List<RunReport> reports) {
    List<List<String>> rows = reports.stream().map(SuiteReport::summaryRow).toList();
    return new Table(
        List.of(
            Column.text("scenario"),
            Column.text("title"),
            Column.number("ops/s"),
            Column.number("p99 ms"),
            Column.text("verdict")),
        rows);
  }

  /** The operation that stands for the whole run: {@link RunReport#ALL}, or the only one. */
  static Optional<OperationSummary> headline(RunReport report) {
    List<OperationSummary> operations = report.operations();
    Optional<OperationSummary> all =
        operations.stream().filter(o -> o.name().equals(RunReport.ALL)).findFirst();
    return all.isPresent() || operations.size() != 1 ? all : Optional.of(operations.get(0));
  }

  private static List<String> summaryRow(RunReport report) {
    Optional<OperationSummary> headline = headline(report);
    String throughput = headline.map(o -> Format.significant(o.perSecond())).orElse(Format.NONE);
    String p99 =
        headline
            .filter(o -> o.latencyMicros().getTotalCount() > 0)
            .map(o -> Format.significant(o.millisAt(99)))
            .orElse(Format.NONE);
    return List.of(report.scenario(), Sections.title(report), throughput, p99, Verdict.of(report));
  }

  private static String sectionId(int index, RunReport report) {
    return "run-" + (index + 1) + "-" + report.scenario().replaceAll("[^A-Za-z0-9_-]", "-");
  }
}
