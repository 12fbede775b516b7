package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.ingest.IngestGatewayApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway started the way the platform launcher starts it ({@link
 * IngestGatewayApplication#builder()}), pointed at a port where no broker listens: it must say 503
 * with {@code Retry-After}, quickly, and never 2xx.
 */
class BrokerDownIntegrationTest {

  private static ConfigurableApplicationContext app;
  private static WebTestClient client;

  @BeforeAll
  static void start() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    app =
        IngestGatewayApplication.builder()
            .run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort,
                "--vitalflow.ingest.delivery-timeout=3s",
                "--vitalflow.ingest.retry-after=7s");
    String port = app.getEnvironment().getProperty("local.server.port");
    client =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void readsItsOwnConfigurationFile() {
    assertThat(app.getEnvironment().getProperty("spring.application.name"))
        .isEqualTo("ingest-gateway");
    client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
  }

  @Test
  void healthIsDownWhileKafkaDoesNotAcknowledge() {
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_NDJSON)
        .bodyValue(heartRate(patient(), 70))
        .exchange()
        .expectStatus()
        .isEqualTo(503);
    client
        .get()
        .uri("/actuator/health")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("DOWN")
        .jsonPath("$.components.kafka.details.kafka")
        .isEqualTo("not acknowledging");
  }

  @Test
  void unreachableBrokerIs503WithRetryAfterWithinSeconds() {
    for (int attempt = 0; attempt < 2; attempt++) {
      long started = System.nanoTime();
      client
          .post()
          .uri(VitalsController.PATH)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("[" + heartRate(patient(), 70) + "," + heartRate(patient(), 71) + "]")
          .exchange()
          .expectStatus()
          .isEqualTo(503)
          .expectHeader()
          .valueEquals(HttpHeaders.RETRY_AFTER, "7")
          .expectHeader()
          .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.status")
          .isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void failedProduceIsCountedAsFailure() {
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_NDJSON)
        .bodyValue(heartRate(patient(), 70))
        .exchange()
        .expectStatus()
        .isEqualTo(503);
    client
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(
            metrics ->
                assertThat(metrics)
                    .containsPattern(
                        "(?m)^vitalflow_ingest_produce_latency_seconds_count\\{[^}]*outcome=\"failure\"[^}]*} [1-9]")
                    .doesNotContainPattern(
                        "(?m)^vitalflow_ingest_readings_accepted_total(\\{[^}]*})? [1-9]"));
  }

  @Test
  void validationStillAnswersWithoutTheBroker() {
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"patientId\":\"p1\"}")
        .exchange()
        .expectStatus()
        .isEqualTo(422);
  }
}
