package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.Loadgen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Every loadgen scenario for a few seconds against the real stack (broker, PostgreSQL, all services
 * in this JVM, security on): each run obtains its own tokens from the local authorization server
 * (SMART Backend Services with the key of its data directory, as against {@code ./vitalflow
 * start}), must pass its own checks and leave a well-formed Markdown and HTML report; with {@code
 * --no-auth} every scenario family is refused with 401.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadgenScenariosTest {

  private static RunningServices services;

  @TempDir Path reports;

  @BeforeAll
  static void start() throws Exception {
    services = new RunningServices("loadgen").startAll().startDashboard();
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  private String ingestUrl() {
    return "--ingest-url=http://127.0.0.1:" + services.ingestPort;
  }

  private String fhirUrl() {
    return "--fhir-url=http://127.0.0.1:" + services.fhirPort + "/fhir";
  }

  @Test
  @Order(1)
  void seedThenTheVitalsQueryMix() throws Exception {
    // history first, while nothing else has sent current readings (docs/benchmarks.md, "Seeding")
    Run seed =
        loadgen(
            "seed",
            fhirUrl(),
            ingestUrl(),
            "--patients=300",
            "--batch=100",
            "--vitals-patients=5",
            "--vitals-days=1",
            "--vitals-every=30m",
            "--vitals-batch=1000",
            "--progress=1s");

    assertThat(seed.code()).as(seed.output()).isZero();
    assertThat(report("seed").markdown()).contains("300");

    Run query =
        loadgen(
            "vitals-query",
            fhirUrl(),
            ingestUrl(),
            "--api-url=http://127.0.0.1:" + services.fhirPort,
            "--patients=300",
            "--vitals-patients=5",
            "--stages=1s:4,2s:4",
            "--think=20ms",
            "--p95=5s",
            "--p99=10s",
            "--max-error-rate=1%",
            "--progress=1s");

    assertThat(query.code()).as(query.output()).isZero();
    Report report = report("vitals-query");
    assertThat(report.markdown())
        .contains("demographics", "recent-vitals", "hourly-aggregates", "new-reading", "82,200");
    assertThat(report.svgCount()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void deviceFleetsPostingVitals() throws Exception {
    Run run =
        loadgen(
            "vitals",
            "--url=http://127.0.0.1:" + services.ingestPort,
            "--rate=2000",
            "--duration=3s",
            "--patients=50",
            "--batch=100",
            "--concurrency=4",
            "--jdbc-url=" + services.database.jdbcUrl(),
            "--jdbc-user=" + services.database.user(),
            "--jdbc-password=" + services.database.password(),
            "--drain-timeout=60s");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(report("vitals").markdown()).contains("stored");
  }

  @Test
  void dashboardConnections() throws Exception {
    Run run =
        loadgen(
            "dashboard",
            "--dashboard-url=ws://127.0.0.1:" + services.dashboardPort,
            "--connections=40",
            "--ramp=200",
            "--duration=3s",
            "--patients=20",
            "--patients-per-client=5",
            "--readings-rate=50",
            ingestUrl(),
            "--heartbeat=1s",
            "--settle=1s",
            "--progress=1s");

    assertThat(run.code()).as(run.output()).isZero();
    Report report = report("dashboard");
    assertThat(report.markdown()).contains("2,143,000");
    assertThat(report.svgCount()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void interactionChecksThroughCdsHooks() throws Exception {
    Run run =
        loadgen(
            "interactions",
            "--which=http",
            fhirUrl(),
            "--stages=1s:2,2s:2",
            "--think=20ms",
            "--progress=1s");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(report("interactions").markdown()).contains("cds order-select", "180,000");
  }

  @Test
  void fhirCrudMixInTheClosedModel() throws Exception {
    Run run =
        loadgen(
            "fhir",
            fhirUrl(),
            "--seed-patients=300",
            "--seed-batch=100",
            "--stages=1s:6,2s:6,1s:0",
            "--think=20ms",
            "--p95=5s",
            "--p99=10s",
            "--max-error-rate=1%",
            "--progress=1s");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output()).contains("fhir: seeded 300 of 300 Patients");
    Report report = report("fhir");
    assertThat(report.markdown()).contains("Scenario 1: FHIR CRUD mix").contains("40,870");
    assertThat(report.svgCount()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void fhirCrudMixInTheOpenModel() throws Exception {
    Run run =
        loadgen(
            "fhir",
            fhirUrl(),
            "--seed-patients=100",
            "--model=open",
            "--rates=0s:40,3s:40",
            "--max-in-flight=64",
            "--p95=5s",
            "--p99=10s",
            "--max-error-rate=1%",
            "--progress=1s");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output()).contains("in flight");
    assertThat(report("fhir").markdown()).contains("open: arrivals/s");
  }

  @Test
  void breakingPointSearch() throws Exception {
    Run run =
        loadgen(
            "stress",
            fhirUrl(),
            "--seed-patients=100",
            "--start-rate=20",
            "--growth=2",
            "--max-rate=40",
            "--step-duration=2s",
            "--pause=0s",
            "--refine=0",
            "--break-p99=60s");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("stress: step 20 arrivals/s")
        .contains("stress: step 40 arrivals/s");
    assertThat(report("stress").markdown())
        .contains("breaking point", "not reached: 40/s still held", "127,000");
  }

  @Test
  void vitalsWithoutATokenIsRefused() throws Exception {
    assertRefused(
        loadgen(
            "vitals",
            "--no-auth",
            "--url=http://127.0.0.1:" + services.ingestPort,
            "--rate=200",
            "--duration=1s",
            "--patients=5",
            "--batch=100",
            "--concurrency=2",
            "--jdbc-url=" + services.database.jdbcUrl(),
            "--jdbc-user=" + services.database.user(),
            "--jdbc-password=" + services.database.password(),
            "--drain-timeout=1s"));
  }

  @Test
  void fhirWithoutATokenIsRefused() throws Exception {
    assertRefused(
        loadgen(
            "fhir",
            "--no-auth",
            fhirUrl(),
            "--seed-patients=10",
            "--seed-batch=10",
            "--stages=1s:2",
            "--think=20ms",
            "--progress=1s"));
  }

  @Test
  void dashboardWithoutATokenIsRefused() throws Exception {
    assertRefused(
        loadgen(
            "dashboard",
            "--no-auth",
            "--dashboard-url=ws://127.0.0.1:" + services.dashboardPort,
            "--connections=4",
            "--ramp=100",
            "--duration=1s",
            "--patients=4",
            "--patients-per-client=1",
            "--readings-rate=0",
            "--heartbeat=1s",
            "--settle=0s",
            "--progress=1s"));
  }

  @Test
  void interactionsWithoutATokenAreRefused() throws Exception {
    assertRefused(
        loadgen(
            "interactions",
            "--no-auth",
            "--which=http",
            fhirUrl(),
            "--stages=1s:1",
            "--think=20ms",
            "--progress=1s"));
  }

  /** The run failed, said it sent no token, and names the services' 401. */
  private static void assertRefused(Run run) {
    assertThat(run.code()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("auth: no token (--no-auth)").contains("401");
  }

  // ---- helpers ----

  record Run(int code, String output) {}

  private Run loadgen(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--report-dir=" + reports);
    if (!all.contains("--no-auth")) {
      // the platform's data directory: its issuer (auth/url) and the backend client's key
      all.add("--data-dir=" + services.auth.dataDir());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Loadgen.run(all.toArray(String[]::new), stream, stream);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
  }

  record Report(String markdown, Document html) {

    int svgCount() {
      return html.getElementsByTagName("svg").getLength();
    }
  }

  /**
   * The one report the scenario wrote: its Markdown, and its HTML parsed as XML (well-formed or the
   * test fails).
   */
  private Report report(String scenario) throws Exception {
    Path markdown = single(scenario, ".md");
    Path html = single(scenario, ".html");
    String page = Files.readString(html);
    assertThat(page).doesNotContain("src=\"http").doesNotContain("href=\"http");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document document = factory.newDocumentBuilder().parse(html.toFile());
    return new Report(Files.readString(markdown), document);
  }

  private Path single(String scenario, String extension) throws IOException {
    try (Stream<Path> files = Files.list(reports)) {
      List<Path> matching =
          files
              .filter(
                  p ->
                      p.getFileName().toString().startsWith(scenario + "-")
                          && p.getFileName().toString().endsWith(extension))
              .toList();
      assertThat(matching).as("%s reports in %s", scenario, reports).hasSize(1);
      return matching.get(0);
    }
  }
}
