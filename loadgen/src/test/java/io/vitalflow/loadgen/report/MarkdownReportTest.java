package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

  private static final List<String> LATENCY_HEADER =
      List.of(
          "operation",
          "count",
          "rate/s",
          "errors",
          "error rate",
          "min",
          "p25",
          "p50",
          "p75",
          "p90",
          "p95",
          "p99",
          "p99.9",
          "max");

  /**
   * Three significant digits, trailing zeros dropped: the format the report promises below one
   * second.
   */
  private static String threeDigits(double millis) {
    assertThat(millis).as("this helper covers values below 1 s").isLessThan(1000);
    return new BigDecimal(millis).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  @Test
  void latencyTableHasTheReportsPercentiles() {
    String markdown = MarkdownReport.render(SampleReports.fhir());

    assertThat(markdown).contains("| " + String.join(" | ", LATENCY_HEADER) + " |\n");
    assertThat(MarkdownTables.under(markdown, "Latency by operation (ms)").get(0))
        .isEqualTo(LATENCY_HEADER);
  }

  @Test
  void percentilesAreTheHistogramsInMilliseconds() {
    RunReport report = SampleReports.fhir();
    List<List<String>> table =
        MarkdownTables.under(MarkdownReport.render(report), "Latency by operation (ms)");

    for (OperationSummary operation : report.operations()) {
      List<String> row = MarkdownTables.row(table, operation.name().replace("|", "\\|"));
      double p99 = operation.latencyMicros().getValueAtPercentile(99) / 1000.0;
      double p50 = operation.latencyMicros().getValueAtPercentile(50) / 1000.0;
      assertThat(row.get(LATENCY_HEADER.indexOf("p99"))).isEqualTo(threeDigits(p99));
      assertThat(row.get(LATENCY_HEADER.indexOf("p50"))).isEqualTo(threeDigits(p50));
      assertThat(row.get(LATENCY_HEADER.indexOf("count")))
          .isEqualTo(String.format("%,d", operation.count()));
    }
  }

  @Test
  void everyTableHasTheSameNumberOfCellsInEveryRow() {
    String markdown = MarkdownReport.render(SampleReports.fhir());
    Pattern separator = Pattern.compile("-{3}|-{2}:");

    List<List<List<String>>> tables = MarkdownTables.all(markdown);
    assertThat(tables).hasSizeGreaterThanOrEqualTo(7);
    for (List<List<String>> table : tables) {
      int columns = table.get(0).size();
      assertThat(table).allSatisfy(row -> assertThat(row).hasSize(columns));
      assertThat(table.get(1)).allSatisfy(cell -> assertThat(cell).matches(separator));
    }
  }

  @Test
  void pipesInCellsAreEscapedAndTagsCannotOpen() {
    String markdown = MarkdownReport.render(SampleReports.fhir());

    assertThat(markdown).contains("| stages | 30s@10\\|30s@100 |");
    assertThat(markdown).contains("| write \\| create |");
    assertThat(markdown).contains("## Scenario 1: FHIR CRUD \\<mix> & more | pipes\n");
    assertThat(markdown).doesNotContainPattern("(?<!\\\\)<b>").contains("\\<b>warm\\</b>");
  }

  @Test
  void failingVerdictNamesEveryBrokenThresholdAndOnlyThose() {
    String markdown = MarkdownReport.render(SampleReports.fhir());

    assertThat(markdown)
        .contains("**Verdict:** FAIL: " + SampleReports.BROKEN_LIMIT + " (measured 73.5 ms)\n");
    assertThat(markdown).contains("| " + SampleReports.BROKEN_LIMIT + " | 73.5 ms | ❌ |");
    assertThat(markdown).contains("| p95 < 100 ms | 41.2 ms | ✅ |");
    String verdict =
        markdown.lines().filter(line -> line.startsWith("**Verdict:**")).findFirst().orElseThrow();
    assertThat(verdict).doesNotContain("p95", "error rate");
  }

  @Test
  void passingRunSaysPass() {
    assertThat(MarkdownReport.render(SampleReports.fhirPassing()))
        .contains("**Verdict:** PASS\n")
        .doesNotContain("FAIL");
  }

  @Test
  void hasTheReportsSectionsInOrder() {
    String markdown = MarkdownReport.render(SampleReports.fhir());

    assertThat(markdown)
        .containsSubsequence(
            "## Scenario 1",
            "### How it was run",
            "### Latency by operation (ms)",
            "### Errors",
            "### Over time",
            "### Results",
            "### Compared with the replaced system",
            "### Thresholds",
            "**Verdict:**",
            "### Notes");
    assertThat(MarkdownTables.row(MarkdownTables.under(markdown, "How it was run"), "started"))
        .containsExactly("started", "2025-09-15 10:00:00 UTC");
    assertThat(
            MarkdownTables.row(
                MarkdownTables.under(markdown, "Compared with the replaced system"), "p99"))
        .containsExactly("p99", "73.5 ms", "—", "the report has no p99 per stage");
    assertThat(MarkdownTables.under(markdown, "Errors"))
        .containsExactly(
            List.of("operation", "error", "count"),
            List.of("read", "HTTP 503", "4"),
            List.of("read", "timeout", "2"),
            List.of("write \\| create", "HTTP 409", "9"));
  }

  @Test
  void emptyRunRendersOnlyWhatItHas() {
    String markdown = MarkdownReport.render(SampleReports.empty());

    assertThat(markdown).startsWith("## Scenario 4: WASM plugin calls\n");
    assertThat(markdown.lines().filter(line -> line.startsWith("#")))
        .containsExactly("## Scenario 4: WASM plugin calls", "### How it was run");
    assertThat(markdown).doesNotContain("Verdict", "Notes", "NaN");
    assertThat(MarkdownTables.row(MarkdownTables.under(markdown, "How it was run"), "measured for"))
        .containsExactly("measured for", "0 s");
  }

  @Test
  void longTimelineIsMergedIntoAtMostTwelveRows() {
    List<TimelinePoint> timeline = new java.util.ArrayList<>();
    for (int i = 1; i <= 24; i++) {
      timeline.add(new TimelinePoint(i, i <= 12 ? 100 : 300, 1, 5, i, i));
    }
    RunReport report =
        new RunReport(
            "t",
            "Timeline",
            SampleReports.STARTED,
            Duration.ofSeconds(24),
            List.of(),
            List.of(),
            timeline,
            List.of(),
            List.of(),
            List.of(),
            List.of());

    String markdown = MarkdownReport.render(report);
    List<List<String>> table = MarkdownTables.under(markdown, "Over time");

    assertThat(table).hasSize(1 + 12);
    assertThat(table.get(1)).containsExactly("2", "100", "2", "5", "2", "2");
    assertThat(table.get(12)).containsExactly("24", "300", "2", "5", "24", "24");
    assertThat(markdown).contains("Each row covers 2 progress intervals");
  }
}
