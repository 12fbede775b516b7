package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Tracing and the audit trail on, against the real broker with a real token: the audit event of a
 * traced request carries the request's trace on {@code audit.v1} ({@code traceparent} naming the
 * POST's server span), so an audit record leads to the trace of the request it records.
 */
@SpringBootTest(
    classes = IngestGatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=" + IngestGatewayApplication.CONFIG_NAME,
      "management.tracing.sampling.probability=1.0",
      "management.opentelemetry.tracing.export.schedule-delay=50ms"
    })
@AutoConfigureWebTestClient
@Import(SpanCapture.class)
class IngestAuditTracingTest {

  private static final String PREFIX = LocalStack.shared().freshTopicPrefix();

  @Autowired private WebTestClient client;
  @Autowired private InMemorySpanExporter spans;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) throws Exception {
    registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.shared().kafkaBootstrap());
    registry.add("vitalflow.ingest.topic-prefix", () -> PREFIX);
    registry.add("vitalflow.audit.enabled", () -> "true");
    registry.add("vitalflow.audit.topic-prefix", () -> PREFIX);
    registry.add("vitalflow.ingest.devices.test-client", () -> "monitor-*");
    for (String arg : TestIssuer.shared().serviceArgs()) {
      String[] nameValue = arg.substring(2).split("=", 2);
      registry.add(nameValue[0], () -> nameValue[1]);
    }
  }

  @Test
  void theAuditRecordOfATracedRequestCarriesItsTrace() throws Exception {
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .header("Authorization", "Bearer " + TestIssuer.shared().token("system/Observation.c"))
        .bodyValue("[" + heartRate(patient(), 71) + "]")
        .exchange()
        .expectStatus()
        .isOk();

    SpanData publish =
        SpanCapture.await(spans, span -> span.getName().equals("vitals publish")).get(0);
    SpanData server =
        SpanCapture.await(
                spans,
                span ->
                    span.getKind() == SpanKind.SERVER
                        && span.getTraceId().equals(publish.getTraceId()))
            .get(0);
    ConsumerRecord<String, String> audit = firstAuditRecord();
    Header traceparent = audit.headers().lastHeader("traceparent");
    assertThat(traceparent).as("the audit record's trace context").isNotNull();
    assertThat(new String(traceparent.value(), StandardCharsets.UTF_8))
        .isEqualTo("00-" + server.getTraceId() + "-" + server.getSpanId() + "-01");
  }

  private static ConsumerRecord<String, String> firstAuditRecord() {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalStack.shared().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                PREFIX + "audit-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of(PREFIX + "audit.v1"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          return record;
        }
      }
    }
    throw new AssertionError("no audit record on " + PREFIX + "audit.v1 within 60 s");
  }
}
