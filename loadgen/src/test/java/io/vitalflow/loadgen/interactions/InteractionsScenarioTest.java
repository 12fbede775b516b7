package io.vitalflow.loadgen.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario run for real with tiny settings: JMH in this JVM, the HTTP part against a fake CDS
 * service.
 */
class InteractionsScenarioTest {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

  @Test
  void hotPathGivesFinitePositiveTimesPerCallForEveryImplementationAndList() throws Exception {
    RunReport report =
        run(
            "--which=hot",
            "--forks=0",
            "--threads=2",
            "--warmup=0",
            "--iterations=1",
            "--time=100ms");

    assertThat(report.scenario()).isEqualTo("interactions");
    assertThat(report.operations())
        .extracting(OperationSummary::name)
        .containsExactlyInAnyOrder(
            "hot 3 meds: plugin AOT",
            "hot 3 meds: plugin runtime-compiled",
            "hot 3 meds: plugin interpreter",
            "hot 3 meds: plain-Java reference",
            "hot 10 meds: plugin AOT",
            "hot 10 meds: plugin runtime-compiled",
            "hot 10 meds: plugin interpreter",
            "hot 10 meds: plain-Java reference");
    for (OperationSummary operation : report.operations()) {
      assertThat(operation.count()).as(operation.name()).isPositive();
      assertThat(operation.perSecond()).as(operation.name()).isPositive().isFinite();
      assertThat(operation.latencyMicros().getTotalCount()).as(operation.name()).isPositive();
    }
    assertThat(report.results())
        .anySatisfy(
            result -> {
              assertThat(result.name()).isEqualTo("hot 3 meds: plugin AOT");
              assertThat(result.value()).matches("mean [\\d,]+\\.\\d+ µs/call.*");
            });
    assertThat(report.comparisons())
        .extracting(RunReport.Comparison::metric)
        .contains(
            "hot path, average (3 meds)",
            "hot path, calls per second",
            "native implementation, average" + " (3 meds)")
        .doesNotContain("cold start, average");
    assertThat(report.notes()).anySatisfy(note -> assertThat(note).contains("Part http skipped"));
    assertThat(report.notes())
        .anySatisfy(
            note -> assertThat(note).startsWith("--threads=2: the hot path was called from 2"));
    assertThat(report.passed()).isTrue();
  }

  @Test
  void httpPartCallsOrderSelectWithTheThreeDraftsAndCountsEveryAnswer() throws Exception {
    AtomicLong posts = new AtomicLong();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    server.setExecutor(threads);
    server.createContext("/cds-services", exchange -> answer(exchange, posts));
    server.start();
    try {
      RunReport report =
          run(
              "--which=http",
              "--fhir-url=http://127.0.0.1:" + server.getAddress().getPort() + "/fhir",
              "--stages=1s:2",
              "--progress=1s");

      OperationSummary cds =
          report.operations().stream()
              .filter(o -> o.name().equals(OrderSelect.OPERATION))
              .findFirst()
              .orElseThrow();
      assertThat(cds.count()).isEqualTo(posts.get()).isPositive();
      assertThat(cds.errors()).isZero();
      assertThat(report.timeline()).isNotEmpty();
      assertThat(report.thresholds()).allSatisfy(t -> assertThat(t.held()).as(t.limit()).isTrue());
      assertThat(report.comparisons())
          .anySatisfy(c -> assertThat(c.ours()).contains("CDS calls/s over HTTP"));
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  @Test
  void loadgenRunWritesTheMarkdownAndHtmlReportsAndExitsZero(@TempDir Path reports)
      throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        io.vitalflow.loadgen.Loadgen.run(
            new String[] {
              "interactions",
              "--which=hot",
              "--forks=0",
              "--warmup=0",
              "--iterations=1",
              "--time=100ms",
              "--report-dir=" + reports
            },
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    try (var files = Files.list(reports)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(f -> f.startsWith("interactions-") && f.endsWith(".md"))
          .anyMatch(f -> f.startsWith("interactions-") && f.endsWith(".html"));
    }
  }

  @Test
  void anUnreachableCdsServiceIsOneLineAndExitCode2() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        io.vitalflow.loadgen.Loadgen.run(
            new String[] {"interactions", "--which=http", "--fhir-url=http://127.0.0.1:1/fhir"},
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith("loadgen interactions: --fhir-url:")
        .doesNotContain("\n");
  }

  private RunReport run(String... args) throws Exception {
    return new InteractionsScenario(InteractionsCommand.parse(args), out).run();
  }

  private static void answer(HttpExchange exchange, AtomicLong posts) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String reply;
    int status = 200;
    if (exchange.getRequestMethod().equals("GET")) {
      reply =
          "{\"services\":[{\"id\":\"vitalflow-drug-interactions-select\",\"hook\":\"order-select\"}]}";
    } else if (exchange
            .getRequestURI()
            .getPath()
            .equals("/cds-services/vitalflow-drug-interactions-select")
        && List.of("\"1191\"", "\"5640\"", "\"11289\"", "MedicationRequest/warfarin").stream()
            .allMatch(body::contains)) {
      posts.incrementAndGet();
      reply = "{\"cards\":[{\"summary\":\"Major interaction\",\"indicator\":\"critical\"}]}";
    } else {
      status = 400;
      reply = "{}";
    }
    byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
