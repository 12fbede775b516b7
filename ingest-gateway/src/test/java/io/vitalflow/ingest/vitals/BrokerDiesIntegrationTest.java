package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.local.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/**
 * The broker the gateway has been writing to dies (its own broker, not the shared one): the next
 * request must not be acknowledged, but answered 503 with {@code Retry-After} once the delivery
 * timeout passes.
 */
class BrokerDiesIntegrationTest {

  private static Path dir;
  private static LocalKafka kafka;
  private static ConfigurableApplicationContext app;
  private static WebTestClient client;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("ingest-broker-dies-");
    kafka = LocalKafka.start(dir, 0, "256m");
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), "", (short) 1);
    app =
        IngestGatewayApplication.builder()
            .run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--vitalflow.ingest.delivery-timeout=3s");
    client =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"))
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() throws IOException {
    if (app != null) {
      app.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    FileSystemUtils.deleteRecursively(dir);
  }

  @Test
  void aBrokerThatDiesTurnsAcknowledgementsInto503() {
    post().expectStatus().isOk();

    kafka.kill();

    long started = System.nanoTime();
    post()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "5")
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    health().isEqualTo(503);

    // the broker comes back while no device sends here (a load balancer took this gateway out on
    // its health): health must say UP on its own, or the gateway would stay out for good
    int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
    kafka.close();
    kafka = LocalKafka.start(dir, port, "256m");
    long restarted = System.nanoTime();
    while (System.nanoTime() - restarted < Duration.ofSeconds(60).toNanos()) {
      if (client
              .get()
              .uri("/actuator/health")
              .exchange()
              .returnResult(String.class)
              .getStatus()
              .value()
          == 200) {
        break;
      }
      sleep(Duration.ofMillis(500));
    }
    health().isEqualTo(200);
    post().expectStatus().isOk();
  }

  private static org.springframework.test.web.reactive.server.StatusAssertions health() {
    return client.get().uri("/actuator/health").exchange().expectStatus();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static WebTestClient.ResponseSpec post() {
    return client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_NDJSON)
        .bodyValue(heartRate(patient(), 70) + "\n" + heartRate(patient(), 71))
        .exchange();
  }
}
