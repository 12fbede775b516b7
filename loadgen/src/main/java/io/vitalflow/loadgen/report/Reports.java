package io.vitalflow.loadgen.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes a run's report as {@code <scenario>-<time>.md} and {@code .html} and prints the Markdown summary. */
public final class Reports {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  private Reports() {
  }

  /** Writes both files into {@code directory} (created if needed); returns the HTML file's path. */
  public static Path write(RunReport report, Path directory, PrintStream out) throws IOException {
    Files.createDirectories(directory);
    String base = report.scenario() + "-" + STAMP.format(report.started());
    String markdown = MarkdownReport.render(report);
    Path md = directory.resolve(base + ".md");
    Path html = directory.resolve(base + ".html");
    Files.writeString(md, markdown, StandardCharsets.UTF_8);
    Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
    out.println();
    out.print(markdown);
    out.println();
    out.println("report: " + md.toAbsolutePath() + " and " + html.toAbsolutePath());
    return html;
  }
}
