package io.vitalflow.loadgen.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Reads GitHub-flavoured Markdown tables back into cells, for assertions. */
final class MarkdownTables {

  private static final Pattern UNESCAPED_PIPE = Pattern.compile("(?<!\\\\)\\|");

  private MarkdownTables() {}

  /**
   * Every block of consecutive lines starting with {@code |}, each line split into trimmed cells.
   */
  static List<List<List<String>>> all(String markdown) {
    List<List<List<String>>> tables = new ArrayList<>();
    List<List<String>> current = new ArrayList<>();
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("|")) {
        current.add(cells(line));
      } else if (!current.isEmpty()) {
        tables.add(current);
        current = new ArrayList<>();
      }
    }
    if (!current.isEmpty()) {
      tables.add(current);
    }
    return tables;
  }

  /** The table right under {@code ### heading} (header row first, separator row dropped). */
  static List<List<String>> under(String markdown, String heading) {
    String marker = "\n### " + heading + "\n\n";
    int at = markdown.indexOf(marker);
    if (at < 0) {
      throw new AssertionError("no section " + heading + " in\n" + markdown);
    }
    List<List<String>> table = all(markdown.substring(at + marker.length())).get(0);
    List<List<String>> rows = new ArrayList<>(table);
    rows.remove(1);
    return rows;
  }

  /** The row whose first cell is {@code first}. */
  static List<String> row(List<List<String>> table, String first) {
    return table.stream()
        .filter(row -> row.get(0).equals(first))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + first + " in " + table));
  }

  static List<String> cells(String line) {
    String inner =
        line.substring(
            1, line.endsWith("|") && !line.endsWith("\\|") ? line.length() - 1 : line.length());
    return Arrays.stream(UNESCAPED_PIPE.split(inner, -1)).map(String::strip).toList();
  }
}
