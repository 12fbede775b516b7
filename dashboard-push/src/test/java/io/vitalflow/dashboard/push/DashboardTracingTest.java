package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tracing on (sampling 1.0), against the real broker: a reading whose record carries a {@code
 * traceparent} is published as a frame in a span of that trace; one without starts no span.
 */
class DashboardTracingTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  private static ConfigurableApplicationContext app;
  private static Topics4 topics;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("dashboard_tracing");
    topics = new Topics4(stack.kafkaBootstrap(), prefix);
    app =
        DashboardPushApplication.builder()
            .initializers(
                context -> context.getBeanFactory().registerSingleton("inMemorySpans", SPANS))
            .run(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + prefix,
                "--management.tracing.sampling.probability=1.0",
                "--management.opentelemetry.tracing.export.schedule-delay=50ms");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (topics != null) {
      topics.close();
    }
  }

  @Test
  void aTracedReadingsFrameIsASpanOfItsTrace() throws InterruptedException {
    String untraced = "p-" + UUID.randomUUID().toString().substring(0, 8);
    String traced = "p-" + UUID.randomUUID().toString().substring(0, 8);
    topics.vital(untraced, "8867-4", 70);
    topics.vital(
        traced,
        "8867-4",
        71,
        List.of(
            new RecordHeader(
                "traceparent",
                ("00-" + TRACE + "-" + PARENT + "-01").getBytes(StandardCharsets.UTF_8))));

    SpanData frame =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    SPANS.getFinishedSpanItems().stream()
                        .filter(span -> span.getName().equals("dashboard frame vital"))
                        .findFirst()
                        .orElse(null),
                span -> span != null);
    Thread.sleep(500); // the untraced reading's frame came first: had it a span, it is exported
    assertThat(frame.getTraceId()).isEqualTo(TRACE);
    assertThat(frame.getParentSpanId()).isEqualTo(PARENT);
    assertThat(frame.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(
            SPANS.getFinishedSpanItems().stream()
                .filter(span -> span.getName().startsWith("dashboard frame")))
        .as("only the traced reading's frame")
        .hasSize(1);
  }
}
