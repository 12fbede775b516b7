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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * {@code websocket-server: webflux} with security on: the WebFlux security filters authenticate the
 * handshake (no token: 401), the connection gets the token's identity (its access rules apply), and
 * a token without Observation read has its socket closed with 1008.
 */
class WebFluxWebSocketSecurityTest {

  private static ConfigurableApplicationContext app;
  private static TestIssuer issuer;
  private static String base;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    issuer = TestIssuer.shared();
    PostgresCoordinates database = stack.freshDatabase("dashboard_push");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + stack.freshTopicPrefix(),
                "--vitalflow.dashboard.websocket-server=webflux"));
    args.addAll(List.of(issuer.serviceArgs()));
    app = DashboardPushApplication.builder().run(args.toArray(String[]::new));
    base = "127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static WsClient ws(String query, String token) {
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(token);
    return new WsClient("ws://" + base + WebSocketEndpoint.PATH + query, headers, true);
  }

  @Test
  void theFiltersAuthenticateTheHandshakeAndTheAccessRulesApply() throws Exception {
    WebTestClient.bindToServer()
        .baseUrl("http://" + base)
        .build()
        .get()
        .uri(WebSocketEndpoint.PATH)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .exchange()
        .expectStatus()
        .isUnauthorized();
    try (WsClient nurse =
        ws("", issuer.userToken("nurse-webflux", List.of("w-own"), "user/Observation.rs"))) {
      nurse.received.next("subscribed");
      nurse.send("{\"type\":\"subscribe\",\"ward\":\"w-other\"}");
      assertThat(nurse.received.await("error").path("code").asString()).isEqualTo("forbidden");
    }
    try (WsClient clerk = ws("", issuer.token("user/Patient.rs"))) {
      CloseStatus status = clerk.awaitClose(Duration.ofSeconds(20));
      assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
    }
  }
}
