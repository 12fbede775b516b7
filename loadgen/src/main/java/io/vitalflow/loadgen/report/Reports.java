package io.vitalflow.loadgen.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a run's report as {@code <scenario>-<time>.md} and {@code .html} and prints the Markdown
 * summary.
 */
public final class Reports {

  /** The time in report file names, UTC. */
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private Reports() {}

  /** Writes both files into {@code directory} (created if needed); returns the HTML file's path. */
  public static Path write(RunReport report, Path directory, PrintStream out) throws IOException {
    String base = report.scenario() + "-" + STAMP.format(report.started());
    return write(base, MarkdownReport.render(report), HtmlReport.render(report), directory, out);
  }

  /**
   * Writes {@code <base>.md} and {@code <base>.html} into {@code directory} (created if needed),
   * prints the Markdown and where both went; returns the HTML file's path.
   */
  static Path write(String base, String markdown, String html, Path directory, PrintStream out)
      throws IOException {
    Files.createDirectories(directory);
    Path md = directory.resolve(base + ".md");
    Path page = directory.resolve(base + ".html");
    Files.writeString(md, markdown, StandardCharsets.UTF_8);
    Files.writeString(page, html, StandardCharsets.UTF_8);
    out.println();
    out.print(markdown);
    out.println();
    out.println("report: " + md.toAbsolutePath() + " and " + page.toAbsolutePath());
    return page;
  }
}
