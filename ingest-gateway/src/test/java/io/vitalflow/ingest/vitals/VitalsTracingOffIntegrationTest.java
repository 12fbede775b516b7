package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.patient;
import static io.vitalflow.ingest.vitals.Payloads.reading;
import static io.vitalflow.ingest.vitals.Payloads.recently;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.VitalSign;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Tracing with the service's defaults: no span is exported (none sampled, no OTLP exporter), and no
 * record carries a trace header.
 */
@SpringBootTest(
    classes = IngestGatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=" + IngestGatewayApplication.CONFIG_NAME,
      "management.opentelemetry.tracing.export.schedule-delay=50ms"
    })
@AutoConfigureWebTestClient
@Import(SpanCapture.class)
class VitalsTracingOffIntegrationTest {

  private static final String TOPIC_PREFIX = LocalStack.shared().freshTopicPrefix();
  private static RawTopic topic;

  @Autowired private WebTestClient client;
  @Autowired private InMemorySpanExporter spans;
  @Autowired private ApplicationContext context;

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
  void byDefaultNothingIsExportedAndNoRecordCarriesATrace() throws InterruptedException {
    String patient = patient();
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("[" + reading("o1-" + patient, patient, "8867-4", 72, "/min", recently()) + "]")
        .exchange()
        .expectStatus()
        .isOk();

    List<ConsumerRecord<String, VitalSign>> records = topic.await(Set.of(patient), 1);
    Thread.sleep(300); // several export intervals
    assertThat(records).hasSize(1);
    assertThat(records.get(0).headers().lastHeader("traceparent")).isNull();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    // and the only exporter is the test's: no OTLP exporter without an endpoint
    assertThat(context.getBeansOfType(SpanExporter.class).values())
        .singleElement()
        .isInstanceOf(InMemorySpanExporter.class);
  }
}
