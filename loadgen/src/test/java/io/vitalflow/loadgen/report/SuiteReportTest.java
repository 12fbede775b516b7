package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SuiteReportTest {

  private static final List<RunReport> RUNS =
      List.of(SampleReports.fhir(), SampleReports.fhirPassing(), SampleReports.empty());

  @Test
  void markdownSummarisesEachRunThenIncludesItsReport() {
    String markdown = SuiteReport.markdown(RUNS);

    assertThat(markdown).startsWith("# VitalFlow benchmark suite\n");
    List<List<String>> summary = MarkdownTables.all(markdown).get(0);
    assertThat(summary.get(0)).containsExactly("scenario", "title", "ops/s", "p99 ms", "verdict");
    RunReport fhir = RUNS.get(0);
    double p99 = fhir.operations().get(2).latencyMicros().getValueAtPercentile(99) / 1000.0;
    assertThat(summary.get(2))
        .containsExactly(
            "fhir",
            SampleReports.TITLE.replace("|", "\\|").replace("<", "\\<"),
            "200",
            Format.significant(p99),
            "FAIL: " + SampleReports.BROKEN_LIMIT + " (measured 73.5 ms)");
    assertThat(summary.get(3)).endsWith("PASS");
    assertThat(summary.get(4))
        .containsExactly("jmh", "Scenario 4: WASM plugin calls", "—", "—", "no thresholds");
    assertThat(markdown)
        .containsSubsequence(RUNS.stream().map(MarkdownReport::render).toArray(String[]::new));
  }

  @Test
  void htmlIsOnePageWithASectionPerRun() {
    Document page = Pages.parse(SuiteReport.html(RUNS));

    List<Element> sections = Pages.elements(page, "section");
    assertThat(sections)
        .extracting(section -> section.getAttribute("id"))
        .containsExactly("run-1-fhir", "run-2-fhir", "run-3-jmh");
    assertThat(Pages.elements(page, "h1"))
        .singleElement()
        .extracting(Element::getTextContent)
        .isEqualTo(SuiteReport.TITLE);
    assertThat(Pages.elements(page, "svg")).hasSize(6);
    Element summary = Pages.elements(page, "table").get(0);
    assertThat(Pages.elements(summary, "tr")).hasSize(1 + RUNS.size());
    Pages.assertSelfContained(page);
    Pages.assertChartsInsideViewBox(page);
  }

  @Test
  void noRunsIsStillADocument() {
    assertThat(SuiteReport.markdown(List.of()))
        .isEqualTo("# VitalFlow benchmark suite\n\nNo runs.\n");
    assertThat(Pages.elements(Pages.parse(SuiteReport.html(List.of())), "section")).isEmpty();
  }

  @Test
  void writesBothFilesNamedAfterTheFirstStartAndPrintsTheMarkdown(@TempDir Path directory)
      throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    Path html =
        SuiteReport.write(
            RUNS,
            directory.resolve("reports"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(html.getFileName()).hasToString("suite-20250915-100000.html");
    Path markdown = html.resolveSibling("suite-20250915-100000.md");
    assertThat(Files.readString(markdown)).isEqualTo(SuiteReport.markdown(RUNS));
    assertThat(Files.readString(html)).isEqualTo(SuiteReport.html(RUNS));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains(SuiteReport.markdown(RUNS))
        .contains("report: " + markdown.toAbsolutePath());
  }

  @Test
  void singleRunFilesAreNamedAfterTheScenario(@TempDir Path directory) throws IOException {
    Path html =
        Reports.write(
            SampleReports.fhir(),
            directory,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(html.getFileName()).hasToString("fhir-20250915-100000.html");
    assertThat(Files.readString(html.resolveSibling("fhir-20250915-100000.md")))
        .isEqualTo(MarkdownReport.render(SampleReports.fhir()));
  }
}
