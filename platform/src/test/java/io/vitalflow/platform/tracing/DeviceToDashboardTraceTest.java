package io.vitalflow.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.VitalsProcessorApplication;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/**
 * One trace from a device's POST to the dashboard frame, across three services in this JVM on the
 * real broker and PostgreSQL, tracing on (sampling 1.0): the gateway's server and producer spans,
 * the processor's window and NEWS2 steps, the readings and minute-aggregate sinks' batch writes and
 * dashboard-push's frames all carry the POST's trace id. Every hop is carried by record headers
 * only, so the test fails at the hop whose propagation is removed.
 */
class DeviceToDashboardTraceTest {

  /** One exporter for every service: each context's span processor exports into it. */
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private static Path stateDir;
  private static int ingestPort;

  @BeforeAll
  static void start() throws Exception {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("tracing");
    stateDir = Files.createTempDirectory("streams-tracing");
    start(
        VitalsProcessorApplication.builder(),
        "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
        "--vitalflow.processor.topic-prefix=" + prefix,
        "--vitalflow.processor.application-id=tracing-"
            + UUID.randomUUID().toString().substring(0, 8),
        "--vitalflow.processor.state-dir=" + stateDir,
        "--spring.datasource.url=" + database.jdbcUrl(),
        "--spring.datasource.username=" + database.user(),
        "--spring.datasource.password=" + database.password(),
        "--vitalflow.processor.sink-linger=50ms",
        "--vitalflow.processor.session-timeout=6s");
    start(
        DashboardPushApplication.builder(),
        "--spring.r2dbc.url=" + database.r2dbcUrl(),
        "--spring.r2dbc.username=" + database.user(),
        "--spring.r2dbc.password=" + database.password(),
        "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
        "--vitalflow.dashboard.topic-prefix=" + prefix);
    ingestPort =
        start(
            IngestGatewayApplication.builder(),
            "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
            "--vitalflow.ingest.topic-prefix=" + prefix);
  }

  /** Starts a service with tracing on, exporting into {@link #SPANS}; its port. */
  private static int start(SpringApplicationBuilder builder, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server.port=0");
    // this test is about traces, not tokens (the platform's tests turn security on by default)
    all.add("--vitalflow.security.enabled=false");
    all.add("--management.tracing.sampling.probability=1.0");
    all.add("--management.opentelemetry.tracing.export.schedule-delay=50ms");
    ConfigurableApplicationContext context =
        builder
            .initializers(
                app -> app.getBeanFactory().registerSingleton("inMemorySpanExporter", SPANS))
            .registerShutdownHook(false)
            .run(all.toArray(String[]::new));
    contexts.add(context);
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  @AfterAll
  static void stop() {
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
    if (stateDir != null) {
      FileSystemUtils.deleteRecursively(stateDir.toFile());
    }
  }

  @Test
  void aReadingIsOneTraceFromThePostToTheDashboardFrame() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
    WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + ingestPort)
        .responseTimeout(Duration.ofSeconds(30))
        .build()
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            """
            [{"patientId":"trace-1","deviceId":"m1","code":"8867-4","value":140,"unit":"/min","effectiveTime":"%s"}]"""
                .formatted(now))
        .exchange()
        .expectStatus()
        .isOk();

    SpanData publish = awaitSpan("vitals publish", null);
    String trace = publish.getTraceId();
    SpanData server = awaitKind(SpanKind.SERVER, trace);
    assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());

    SpanData minute = awaitSpan("vitals aggregate 1m", trace);
    SpanData news2 = awaitSpan("news2 score", trace);
    assertThat(minute.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(news2.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(awaitSpan("sink readings write", trace).getParentSpanId())
        .isEqualTo(publish.getSpanId());
    assertThat(awaitSpan("sink minute_aggregates write", trace).getParentSpanId())
        .isEqualTo(minute.getSpanId());
    assertThat(awaitSpan("dashboard frame vital", trace).getParentSpanId())
        .isEqualTo(publish.getSpanId());
    assertThat(awaitSpan("dashboard frame news2", trace).getParentSpanId())
        .isEqualTo(news2.getSpanId());
  }

  /** The first span named so (in the trace, unless null), waiting for the batched export. */
  private static SpanData awaitSpan(String name, String trace) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                SPANS.getFinishedSpanItems().stream()
                    .filter(span -> span.getName().equals(name))
                    .filter(span -> trace == null || span.getTraceId().equals(trace))
                    .findFirst()
                    .orElse(null),
            span -> span != null);
  }

  private static SpanData awaitKind(SpanKind kind, String trace) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                SPANS.getFinishedSpanItems().stream()
                    .filter(span -> span.getKind() == kind && span.getTraceId().equals(trace))
                    .findFirst()
                    .orElse(null),
            span -> span != null);
  }
}
