package io.vitalflow.loadgen.report;

/** Renders a {@link RunReport} as Markdown with the benchmark report's sections. */
public final class MarkdownReport {

  private MarkdownReport() {
  }

  public static String render(RunReport report) {
    throw new UnsupportedOperationException("TODO(report helper)");
  }
}
