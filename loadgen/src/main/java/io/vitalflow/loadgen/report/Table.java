package io.vitalflow.loadgen.report;

import java.util.List;

/**
 * A table of already formatted cells, independent of Markdown or HTML.
 *
 * @param columns the header, one entry per column
 * @param rows each row has one cell per column
 */
record Table(List<Column> columns, List<List<String>> rows) {

  Table {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row " + row + " does not have " + columns.size() + " cells");
      }
    }
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** A column heading; numeric columns are right-aligned. */
  record Column(String name, boolean numeric) {

    static Column text(String name) {
      return new Column(name, false);
    }

    static Column number(String name) {
      return new Column(name, true);
    }
  }
}
