package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class HtmlReportTest {

  static Stream<RunReport> everySample() {
    return Stream.of(
        SampleReports.fhir(),
        SampleReports.fhirPassing(),
        SampleReports.empty(),
        SampleReports.degenerate(),
        SampleReports.zeros());
  }

  private static Element svgTitled(Document page, String title) {
    return Pages.elements(page, "svg").stream()
        .filter(svg -> svg.getAttribute("aria-label").equals(title))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no chart " + title));
  }

  private static List<String> texts(Element root, String tag) {
    return Pages.elements(root, tag).stream().map(Element::getTextContent).toList();
  }

  @ParameterizedTest
  @MethodSource("everySample")
  void isWellFormedSelfContainedAndDrawsInsideTheViewBox(RunReport report) {
    String html = HtmlReport.render(report);
    Document page = Pages.parse(html);

    assertThat(page.getDocumentElement().getTagName()).isEqualTo("html");
    assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("NaN", "Infinity");
    Pages.assertSelfContained(page);
    Pages.assertChartsInsideViewBox(page);
  }

  @Test
  void drawsPercentileThroughputAndLatencyCharts() {
    Document page = Pages.parse(HtmlReport.render(SampleReports.fhir()));

    assertThat(Pages.elements(page, "svg")).hasSize(3);
    Element percentiles = svgTitled(page, "Latency by percentile");
    assertThat(Pages.elements(percentiles, "polyline")).hasSize(3);
    // 12,000 samples in the total: the scale reaches 99.999%, one nine beyond what 12,000 samples
    // can tell apart
    assertThat(texts(percentiles, "text"))
        .contains(
            "read",
            "write | create",
            "all",
            "0%",
            "90%",
            "99%",
            "99.9%",
            "99.99%",
            "99.999%",
            "latency ms",
            "percentile")
        .doesNotContain("99.9999%");
    Element throughput = svgTitled(page, "Throughput over time");
    assertThat(Pages.elements(throughput, "polyline")).hasSize(3);
    assertThat(Pages.elements(throughput, "polyline").get(2).getAttribute("stroke-dasharray"))
        .isNotEmpty();
    assertThat(texts(throughput, "text")).contains("ops/s", "errors/s", "concurrency", "seconds");
    assertThat(texts(svgTitled(page, "Latency over time"), "text")).contains("p50", "p99");
  }

  @Test
  void percentileLineEndsAtTheHistogramsTail() {
    RunReport report = SampleReports.fhir();
    Element percentiles =
        svgTitled(Pages.parse(HtmlReport.render(report)), "Latency by percentile");
    List<Element> lines = Pages.elements(percentiles, "polyline");

    // writes have the longer tail, so their line must end higher on the chart (smaller y) than the
    // reads'
    double[] lastY =
        lines.stream()
            .mapToDouble(
                line -> {
                  String[] points = line.getAttribute("points").split(" ");
                  return Double.parseDouble(points[points.length - 1].split(",")[1]);
                })
            .toArray();
    OperationSummary read = report.operations().get(0);
    OperationSummary write = report.operations().get(1);
    assertThat(write.millisAt(99.99)).isGreaterThan(read.millisAt(99.99));
    assertThat(lastY[1]).isLessThan(lastY[0]);
  }

  @Test
  void escapesEveryTextFromTheReport() {
    String html = HtmlReport.render(SampleReports.fhir());
    Document page = Pages.parse(html);

    assertThat(texts(page.getDocumentElement(), "h2")).containsExactly(SampleReports.TITLE);
    assertThat(texts(page.getDocumentElement(), "title")).contains(SampleReports.TITLE);
    assertThat(texts(page.getDocumentElement(), "li")).contains(SampleReports.NOTE);
    assertThat(Pages.elements(page, "b")).isEmpty();
    assertThat(Pages.elements(page, "mix")).isEmpty();
    assertThat(html).contains("FHIR CRUD &lt;mix&gt; &amp; more | pipes", "&quot;writes&quot;");
  }

  @Test
  void keepsLinksToTheTargetAsTextOnly() {
    String html = HtmlReport.render(SampleReports.fhir());

    assertThat(html).contains("<td>" + SampleReports.TARGET + "</td>");
    Pages.assertSelfContained(Pages.parse(html));
  }

  @Test
  void failingVerdictNamesTheBrokenThreshold() {
    Document page = Pages.parse(HtmlReport.render(SampleReports.fhir()));

    List<Element> verdicts =
        Pages.elements(page, "p").stream()
            .filter(p -> p.getAttribute("class").equals("verdict fail"))
            .toList();
    assertThat(verdicts)
        .isNotEmpty()
        .allSatisfy(
            verdict ->
                assertThat(verdict.getTextContent())
                    .isEqualTo(
                        "Verdict: FAIL: " + SampleReports.BROKEN_LIMIT + " (measured 73.5 ms)"));
  }

  @Test
  void emptyRunHasOnlyItsSetupAndNoCharts() {
    Document page = Pages.parse(HtmlReport.render(SampleReports.empty()));

    assertThat(Pages.elements(page, "svg")).isEmpty();
    assertThat(texts(page.getDocumentElement(), "h3")).containsExactly("How it was run");
    assertThat(Pages.elements(page, "table")).hasSize(1);
    assertThat(Pages.elements(page, "p")).isEmpty();
  }

  @Test
  void chartsOfDegenerateDataStillDraw() {
    Document page = Pages.parse(HtmlReport.render(SampleReports.degenerate()));

    Element percentiles = svgTitled(page, "Latency by percentile");
    assertThat(texts(percentiles, "text"))
        .contains("huge", "99%")
        .doesNotContain("nothing", "99.9%");
    Element throughput = svgTitled(page, "Throughput over time");
    assertThat(Pages.elements(throughput, "circle")).hasSize(2);
    Element zeros =
        svgTitled(Pages.parse(HtmlReport.render(SampleReports.zeros())), "Latency over time");
    assertThat(Pages.elements(zeros, "circle")).hasSize(2);
    assertThat(texts(zeros, "text")).contains("0", "1");
  }
}
