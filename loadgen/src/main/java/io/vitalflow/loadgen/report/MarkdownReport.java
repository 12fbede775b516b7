package io.vitalflow.loadgen.report;

import io.vitalflow.loadgen.report.Sections.Part;
import io.vitalflow.loadgen.report.Sections.Section;
import io.vitalflow.loadgen.report.Table.Column;
import java.util.List;

/**
 * Renders a {@link RunReport} as Markdown with the benchmark report's sections: how it was run,
 * latency percentiles per operation, errors, the timeline in short, results, the comparison with
 * the replaced system and the thresholds with the verdict. Sections with nothing in them are left
 * out.
 */
public final class MarkdownReport {

  private MarkdownReport() {}

  /** The run as one Markdown section headed {@code ## <title>}. */
  public static String render(RunReport report) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(Text.markdown(Sections.title(report))).append('\n');
    for (Section section : Sections.of(report)) {
      md.append("\n### ")
          .append(section.part().heading)
          .append("\n\n")
          .append(table(section.table()));
      if (!section.caption().isEmpty()) {
        md.append('\n').append(Text.markdown(section.caption())).append('\n');
      }
      if (section.part() == Part.THRESHOLDS) {
        md.append("\n**Verdict:** ").append(Text.markdown(Verdict.of(report))).append('\n');
      }
    }
    notes(md, report.notes());
    return md.toString();
  }

  /** A GitHub-flavoured Markdown table, numeric columns right-aligned. */
  static String table(Table table) {
    StringBuilder md = new StringBuilder();
    row(md, table.columns().stream().map(Column::name).toList());
    row(md, table.columns().stream().map(column -> column.numeric() ? "--:" : "---").toList());
    table.rows().forEach(cells -> row(md, cells.stream().map(Text::cell).toList()));
    return md.toString();
  }

  private static void row(StringBuilder md, List<String> cells) {
    md.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static void notes(StringBuilder md, List<String> notes) {
    if (notes.isEmpty()) {
      return;
    }
    md.append("\n### Notes\n\n");
    notes.forEach(note -> md.append("- ").append(Text.markdown(note)).append('\n'));
  }
}
