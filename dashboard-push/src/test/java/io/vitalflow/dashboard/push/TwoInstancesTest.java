package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.push.state.Hub;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on the same topics and database, as behind a load balancer: each reads every event
 * itself and serves its own clients; an acknowledgement made on one reaches the other's clients; a
 * resume token of one instance is not replayed by the other.
 */
class TwoInstancesTest {

  private static ConfigurableApplicationContext a;
  private static ConfigurableApplicationContext b;
  private static Topics4 topics;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("dashboard_two");
    topics = new Topics4(stack.kafkaBootstrap(), prefix);
    String[] args = {
      "--server.port=0",
      "--spring.r2dbc.url=" + database.r2dbcUrl(),
      "--spring.r2dbc.username=" + database.user(),
      "--spring.r2dbc.password=" + database.password(),
      "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
      "--vitalflow.dashboard.topic-prefix=" + prefix,
      "--vitalflow.dashboard.sync-interval=200ms"
    };
    a = DashboardPushApplication.builder().run(args);
    b = DashboardPushApplication.builder().run(args);
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {a, b}) {
      if (context != null) {
        context.close();
      }
    }
    if (topics != null) {
      topics.close();
    }
  }

  private static WsClient ws(ConfigurableApplicationContext instance, String query) {
    int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
    return new WsClient("ws://127.0.0.1:" + port + WebSocketEndpoint.PATH + query, true);
  }

  @Test
  void eachInstanceServesItsOwnClientsAndAcknowledgementsCrossOver() {
    String p = "p-" + UUID.randomUUID().toString().substring(0, 8);
    try (WsClient onA = ws(a, "?patients=" + p);
        WsClient onB = ws(b, "?patients=" + p)) {
      String instanceA = onA.received.next("subscribed").path("instance").asString();
      String instanceB = onB.received.next("subscribed").path("instance").asString();
      assertThat(instanceA).isNotEqualTo(instanceB);
      String alertId = topics.alert(p);
      onA.received.await(m -> Received.is(m, "alert", p), "alert on A");
      onB.received.await(m -> Received.is(m, "alert", p), "alert on B");
      assertThat(a.getBean(Hub.class).connections()).hasSize(1);
      assertThat(b.getBean(Hub.class).connections()).hasSize(1);

      onA.send("{\"type\":\"ack\",\"alertId\":\"" + alertId + "\"}");
      onA.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack on A");
      JsonNode crossed =
          onB.received.await(
              m -> Received.is(m, "alert-ack", p), "alert-ack on B, through PostgreSQL");
      assertThat(crossed.path("alertId").asString()).isEqualTo(alertId);

      long seqOnA = onA.received.all().get(onA.received.all().size() - 1).path("seq").longValue();
      try (WsClient movedToB = ws(b, "?patients=" + p + "&resume=" + instanceA + ":" + seqOnA)) {
        assertThat(movedToB.received.next("subscribed").path("resume").asString())
            .isEqualTo("snapshot");
        JsonNode alert =
            movedToB.received.next("snapshot").path("patients").get(0).path("alerts").get(0);
        assertThat(alert.path("acknowledged").booleanValue()).isTrue();
      }
    }
  }
}
