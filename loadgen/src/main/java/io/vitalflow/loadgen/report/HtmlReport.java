package io.vitalflow.loadgen.report;

/** Renders a {@link RunReport} as one self-contained HTML page with inline SVG charts. */
public final class HtmlReport {

  private HtmlReport() {
  }

  public static String render(RunReport report) {
    throw new UnsupportedOperationException("TODO(report helper)");
  }
}
