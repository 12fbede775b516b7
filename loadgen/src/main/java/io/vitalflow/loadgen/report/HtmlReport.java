package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.Sections.Part;
import io.vitalflow.loadgen.report.Sections.Section;
import io.vitalflow.loadgen.report.Table.Column;
import java.util.List;
import java.util.Optional;

/**
 * Renders a {@link RunReport} as one self-contained HTML page: the Markdown report's sections plus
 * inline SVG charts (latency by percentile, throughput and latency over time). Nothing is loaded
 * from elsewhere: CSS is inline and no script is needed. The page is also well-formed XML, so it
 * can be checked with an XML parser.
 */
public final class HtmlReport {

  private static final String CSS =
      String.join(
          "\n",
          "body{font-family:system-ui,sans-serif;color:#222;max-width:64rem;margin:2rem auto;padding:0 1rem}",
          "section.run{border-top:2px solid #ddd;margin-top:2rem}",
          ".scroll{overflow-x:auto}",
          "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}",
          "th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}",
          "th{background:#f3f3f3}",
          "th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
          ".verdict{display:inline-block;font-weight:bold;padding:.3rem .6rem;border-radius:4px}",
          ".pass{background:#e6f4ea;color:#1e6b34}",
          ".fail{background:#fdecea;color:#a3261b}",
          ".caption{color:#555;font-size:.85rem}",
          "figure{margin:1rem 0}",
          "svg{max-width:100%;height:auto}");

  private HtmlReport() {}

  /** The whole page for one run. */
  public static String render(RunReport report) {
    return page(Sections.title(report), section(report, "run"));
  }

  /** An HTML5 page (also well-formed XML) around {@code body}, which must be well-formed itself. */
  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        + "<title>"
        + Text.xml(title)
        + "</title>\n<style>\n"
        + CSS
        + "\n</style>\n</head>\n<body>\n<main>\n"
        + body
        + "</main>\n</body>\n</html>\n";
  }

  /**
   * One run as a {@code <section id="...">} with an {@code <h2>} title; {@code id} must be a valid
   * HTML id.
   */
  static String section(RunReport report, String id) {
    StringBuilder html = new StringBuilder();
    html.append("<section class=\"run\" id=\"")
        .append(Text.xml(id))
        .append("\">\n<h2>")
        .append(Text.xml(Sections.title(report)))
        .append("</h2>\n");
    verdict(html, report);
    for (Section section : Sections.of(report)) {
      html.append("<h3>")
          .append(Text.xml(section.part().heading))
          .append("</h3>\n")
          .append(table(section.table()));
      if (!section.caption().isEmpty()) {
        html.append("<p class=\"caption\">").append(Text.xml(section.caption())).append("</p>\n");
      }
      charts(html, section.part(), report);
      if (section.part() == Part.THRESHOLDS) {
        verdict(html, report);
      }
    }
    notes(html, report.notes());
    return html.append("</section>\n").toString();
  }

  /** A table, numeric columns right-aligned, in a box that scrolls sideways on narrow screens. */
  static String table(Table table) {
    StringBuilder html = new StringBuilder("<div class=\"scroll\"><table>\n<thead><tr>");
    for (Column column : table.columns()) {
      html.append(cell("th", column, column.name()));
    }
    html.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : table.rows()) {
      html.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        html.append(cell("td", table.columns().get(i), row.get(i)));
      }
      html.append("</tr>\n");
    }
    return html.append("</tbody>\n</table></div>\n").toString();
  }

  /** The verdict as a green or red line; a run without thresholds has none. */
  private static void verdict(StringBuilder html, RunReport report) {
    if (!report.thresholds().isEmpty()) {
      html.append("<p class=\"verdict ")
          .append(report.passed() ? "pass" : "fail")
          .append("\">Verdict: ")
          .append(Text.xml(Verdict.of(report)))
          .append("</p>\n");
    }
  }

  private static void charts(StringBuilder html, Part part, RunReport report) {
    if (part == Part.LATENCY) {
      figure(html, Charts.latencyByPercentile(report.operations()));
    } else if (part == Part.OVER_TIME) {
      figure(html, Charts.throughput(report.timeline()));
      figure(html, Charts.latencyOverTime(report.timeline()));
    }
  }

  private static void figure(StringBuilder html, Optional<String> svg) {
    svg.ifPresent(chart -> html.append("<figure>\n").append(chart).append("</figure>\n"));
  }

  private static String cell(String tag, Column column, String text) {
    String open = column.numeric() ? "<" + tag + " class=\"num\">" : "<" + tag + ">";
    return open + Text.xml(text) + "</" + tag + ">";
  }

  private static void notes(StringBuilder html, List<String> notes) {
    if (notes.isEmpty()) {
      return;
    }
    html.append("<h3>Notes</h3>\n<ul>\n");
    notes.forEach(note -> html.append("<li>").append(Text.xml(note)).append("</li>\n"));
    html.append("</ul>\n");
  }
}
