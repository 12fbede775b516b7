package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.storage.PostgresCoordinates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The Netty WebSocket route fails closed like the web filter: once the audit trail cannot deliver
 * (here its topic does not exist, so the first event never gets an acknowledgement and the trail
 * stops delivering after {@code delivery-timeout}), a client message is refused with an {@code
 * error} frame and a new handshake with 503 and {@code Retry-After}, against the real broker.
 */
class DashboardAuditFailClosedTest {

  private static ConfigurableApplicationContext app;
  private static Topics4 topics;
  private static String base;
  private static WebTestClient http;

  @BeforeAll
  static void start() throws Exception {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("dashboard_push");
    topics = new Topics4(stack.kafkaBootstrap(), prefix);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + prefix,
                "--vitalflow.audit.enabled=true",
                // no such topic (the broker does not create topics): nothing is acknowledged
                "--vitalflow.audit.topic-prefix=missing-" + UUID.randomUUID() + ".",
                "--vitalflow.audit.delivery-timeout=500ms"));
    args.addAll(List.of(TestIssuer.shared().serviceArgs()));
    app = DashboardPushApplication.builder().run(args.toArray(String[]::new));
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = "127.0.0.1:" + port;
    http =
        WebTestClient.bindToServer()
            .baseUrl("http://" + base)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
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
  void messagesAndHandshakesAreRefusedWhileTheTrailCannotDeliver() throws Exception {
    String p = "p-" + UUID.randomUUID().toString().substring(0, 8);
    String q = "p-" + UUID.randomUUID().toString().substring(0, 8);
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(TestIssuer.shared().token("system/Observation.rs"));
    try (WsClient client = new WsClient("ws://" + base + WebSocketEndpoint.PATH, headers, true)) {
      client.received.next("subscribed");
      // admitted and recorded: the event waits for an acknowledgement that never comes
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + p + "\"]}");
      client.received.await(m -> m.path("patients").size() == 1, "the subscription");
      Thread.sleep(1_500);

      client.send("{\"type\":\"subscribe\",\"requestId\":\"r2\",\"patients\":[\"" + q + "\"]}");
      JsonNode error = client.received.await("error");
      assertThat(error.path("code").asString()).isEqualTo("unavailable");
      client.send("{\"type\":\"ping\"}");
      assertThat(client.received.await("error").path("code").asString()).isEqualTo("unavailable");
    }

    String token = TestIssuer.shared().token("system/Observation.rs");
    http.get()
        .uri(WebSocketEndpoint.PATH)
        .headers(h -> h.setBearerAuth(token))
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals(HttpHeaders.RETRY_AFTER, "5");
  }
}
