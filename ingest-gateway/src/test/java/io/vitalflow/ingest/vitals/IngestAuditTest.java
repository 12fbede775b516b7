package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.audit.AuditAction;
import io.vitalflow.audit.AuditEvents;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway's audit trail, against the real broker with real tokens: one AuditEvent per ingest
 * request (not per reading), {@code vitals-ingest}, the device client as agent, the patients of the
 * accepted readings; a request without a token is one {@code authentication} event.
 */
@SpringBootTest(
    classes = IngestGatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=" + IngestGatewayApplication.CONFIG_NAME})
@AutoConfigureWebTestClient
class IngestAuditTest {

  private static final String PREFIX = LocalStack.shared().freshTopicPrefix();

  @Autowired private WebTestClient client;

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
  void oneEventPerRequestNamingTheClientAndThePatientsOfTheReadings() throws Exception {
    String a = patient();
    String b = patient();
    String body = "[" + heartRate(a, 71) + "," + heartRate(a, 72) + "," + heartRate(b, 90) + "]";
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .header("Authorization", "Bearer " + TestIssuer.shared().token("system/Observation.c"))
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isOk();
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isUnauthorized();

    List<AuditRecord> events = read(2);
    assertThat(events).hasSize(2);
    AuditRecord ingest =
        events.stream().filter(e -> e.subtype() == AuditSubtype.VITALS_INGEST).findFirst().get();
    assertThat(ingest.service()).isEqualTo("ingest-gateway");
    assertThat(ingest.action()).isEqualTo(AuditAction.CREATE);
    assertThat(ingest.status()).isEqualTo(200);
    assertThat(ingest.agentSubject()).isNotNull();
    assertThat(ingest.clientId()).isNotNull();
    assertThat(ingest.patients()).containsExactlyInAnyOrder(a, b);
    AuditRecord refused =
        events.stream().filter(e -> e.subtype() == AuditSubtype.AUTHENTICATION).findFirst().get();
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.agentSubject()).isNull();
    assertThat(refused.patients()).as("the body of a refused request is not read").isEmpty();
  }

  /** The events on the audit topic, once {@code expected} arrived and a second passed. */
  private static List<AuditRecord> read(int expected) {
    List<AuditRecord> events = new ArrayList<>();
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
      long quietUntil = 0;
      while (System.nanoTime() < deadline) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(r -> events.add(AuditEvents.fromJson(r.value())));
        if (events.size() >= expected) {
          if (quietUntil == 0) {
            quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          } else if (System.nanoTime() > quietUntil) {
            break;
          }
        }
      }
    }
    return events;
  }
}
