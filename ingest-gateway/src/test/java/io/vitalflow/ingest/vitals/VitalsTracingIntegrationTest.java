package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.patient;
import static io.vitalflow.ingest.vitals.Payloads.reading;
import static io.vitalflow.ingest.vitals.Payloads.recently;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * Tracing on (sampling 1.0): the POST's server span, a producer span under it, and its context in
 * the headers of every record on {@code vitals.raw.v1}, against the real broker.
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
class VitalsTracingIntegrationTest {

  private static final String TOPIC_PREFIX = LocalStack.shared().freshTopicPrefix();
  private static RawTopic topic;

  @Autowired private WebTestClient client;
  @Autowired private InMemorySpanExporter spans;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.shared().kafkaBootstrap());
    registry.add("vitalflow.ingest.topic-prefix", () -> TOPIC_PREFIX);
  }

  @BeforeAll
  static void openTopic() {
    topic = new RawTopic(LocalStack.shared().kafkaBootstrap(), TOPIC_PREFIX);
  }

  @AfterAll
  static void closeTopic() {
    topic.close();
  }

  @Test
  void everyRecordCarriesTheProducerSpanOfThePostsTrace() {
    String patient = patient();
    String time = recently();
    String body =
        "["
            + reading("t1-" + patient, patient, "8867-4", 72, "/min", time)
            + ","
            + reading("t2-" + patient, patient, "59408-5", 97, "%", time)
            + "]";
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isOk();

    List<ConsumerRecord<String, VitalSign>> records = topic.await(Set.of(patient), 2);
    SpanData publish =
        SpanCapture.await(spans, span -> span.getName().equals("vitals publish")).get(0);
    SpanData server =
        SpanCapture.await(
                spans,
                span ->
                    span.getKind() == SpanKind.SERVER
                        && span.getTraceId().equals(publish.getTraceId()))
            .get(0);

    assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(records)
        .hasSize(2)
        .allSatisfy(
            record -> {
              Header traceparent = record.headers().lastHeader("traceparent");
              assertThat(traceparent).isNotNull();
              assertThat(new String(traceparent.value(), StandardCharsets.UTF_8))
                  .isEqualTo("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01");
            });
    // no patient data in span attributes
    assertThat(publish.getAttributes().asMap().values().toString()).doesNotContain(patient);
  }
}
