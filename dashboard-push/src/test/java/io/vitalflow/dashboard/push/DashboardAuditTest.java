package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.audit.AuditEvents;
import io.vitalflow.audit.AuditOutcome;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.storage.PostgresCoordinates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.StatusAssertions;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The dashboards' audit events, against the real broker and PostgreSQL with real signed tokens,
 * read back from {@code audit.v1}: the Netty WebSocket route (which WebFlux's audit filter never
 * sees) records one event per subscribe, unsubscribe and ack message, with the user and the
 * patient, a refused subscribe as a minor failure, and a refused handshake; over SSE the filter's
 * one event per request carries the message's subtype and patients.
 */
class DashboardAuditTest {

  private static final String READ = "user/Observation.rs";
  private static final String ADMIN = "vitalflow/wards.admin";

  private static ConfigurableApplicationContext app;
  private static PostgresCoordinates database;
  private static Topics4 topics;
  private static TestIssuer issuer;
  private static String prefix;
  private static String base;
  private static WebTestClient http;
  private static WebClient webClient;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    LocalStack stack = LocalStack.shared();
    issuer = TestIssuer.shared();
    prefix = stack.freshTopicPrefix();
    database = stack.freshDatabase("dashboard_push");
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
                "--vitalflow.dashboard.vital-throttle=100ms",
                "--vitalflow.dashboard.heartbeat-interval=1s",
                "--vitalflow.audit.enabled=true",
                "--vitalflow.audit.topic-prefix=" + prefix));
    args.addAll(List.of(issuer.serviceArgs()));
    app = DashboardPushApplication.builder().run(args.toArray(String[]::new));
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = "127.0.0.1:" + port;
    http =
        WebTestClient.bindToServer()
            .baseUrl("http://" + base)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
    webClient = WebClient.create("http://" + base);
    admin = issuer.token(ADMIN);
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

  private static String fresh(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void assign(String ward, String patient) {
    http.put()
        .uri("/api/v1/wards/{ward}/patients/{patient}", ward, patient)
        .headers(h -> h.setBearerAuth(admin))
        .exchange()
        .expectStatus()
        .isNoContent();
  }

  private static HttpHeaders bearer(String token) {
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(token);
    return headers;
  }

  @Test
  void eachWebSocketSubscribeUnsubscribeAndAckIsOneEventWithItsUserAndPatient() throws Exception {
    String ward = fresh("w");
    String p = fresh("p");
    String elsewhere = fresh("p");
    assign(ward, p);
    String user = fresh("nurse");
    String token = issuer.userToken(user, List.of(ward), READ);
    try (WsClient client =
        new WsClient("ws://" + base + WebSocketEndpoint.PATH, bearer(token), true)) {
      client.received.next("subscribed"); // no subscription yet: not audited
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + p + "\"]}");
      client.received.await(m -> m.path("patients").size() == 1, "the subscription");
      String alertId = topics.alert(p);
      client.received.await(m -> Received.is(m, "alert", p), "alert");
      client.send("{\"type\":\"ack\",\"alertId\":\"" + alertId + "\"}");
      client.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack");
      client.send("{\"type\":\"ping\"}"); // not audited
      client.received.await("heartbeat");
      client.send("{\"type\":\"unsubscribe\",\"patients\":[\"" + p + "\"]}");
      client.received.await(m -> m.path("patients").isEmpty(), "an empty subscription");
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + elsewhere + "\"]}");
      client.received.await("error");
    }

    List<AuditRecord> events = read(e -> user.equals(e.agentSubject()), 4);
    // keyed by patient: one patient's events keep their order, the two patients' need not
    List<AuditRecord> ofP = events.stream().filter(e -> e.patients().contains(p)).toList();
    assertThat(ofP)
        .extracting(AuditRecord::subtype)
        .containsExactly(
            AuditSubtype.SUBSCRIBE, AuditSubtype.ACKNOWLEDGE, AuditSubtype.UNSUBSCRIBE);
    assertThat(ofP).allSatisfy(e -> assertThat(e.patients()).containsExactly(p));
    assertThat(ofP).extracting(AuditRecord::outcome).containsOnly(AuditOutcome.SUCCESS);
    List<AuditRecord> refused = events.stream().filter(e -> !ofP.contains(e)).toList();
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).subtype()).isEqualTo(AuditSubtype.SUBSCRIBE);
    assertThat(refused.get(0).outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
    assertThat(refused.get(0).patients()).containsExactly(elsewhere);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.service()).isEqualTo("dashboard-push");
              assertThat(e.clientId()).isEqualTo("test-client");
              assertThat(e.sourceAddress()).isEqualTo("127.0.0.1");
            });
  }

  @Test
  void aRefusedHandshakeIsOneAuthenticationOrAuthorizationEvent() throws Exception {
    String unauthenticated = fresh("req");
    handshake(new HttpHeaders(), unauthenticated).expectStatus().isUnauthorized();
    String forbidden = fresh("req");
    handshake(bearer(issuer.token("user/Patient.rs")), forbidden).expectStatus().isForbidden();

    List<AuditRecord> events =
        read(e -> unauthenticated.equals(e.requestId()) || forbidden.equals(e.requestId()), 2);
    assertThat(events).hasSize(2);
    AuditRecord first =
        events.get(0).requestId().equals(unauthenticated) ? events.get(0) : events.get(1);
    AuditRecord second = first == events.get(0) ? events.get(1) : events.get(0);
    assertThat(first.subtype()).isEqualTo(AuditSubtype.AUTHENTICATION);
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
    assertThat(second.subtype()).isEqualTo(AuditSubtype.AUTHORIZATION);
    assertThat(second.status()).isEqualTo(403);
    assertThat(second.outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
  }

  @Test
  void anSseMessageIsTheRequestsOneEventWithTheMessagesSubtypeAndPatients() throws Exception {
    String ward = fresh("w");
    String p = fresh("p");
    assign(ward, p);
    String user = fresh("nurse");
    String token = issuer.userToken(user, List.of(ward), READ);
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events?ward=" + ward, null, token)) {
      String id = sse.received.next("subscribed").path("connectionId").asString();
      post(id, token, "{\"type\":\"unsubscribe\",\"patients\":[\"" + p + "\"]}").isAccepted();
      sse.received.await(m -> m.path("patients").isEmpty(), "an empty subscription");
      post(id, token, "{\"type\":\"subscribe\",\"patients\":[\"" + p + "\"]}").isAccepted();
      post(id, token, "{\"type\":\"subscribe\",\"patients\":[\"" + fresh("p") + "\"]}")
          .isForbidden();
    }

    // the stream's own event: the filter's (the path is open to the security filters; the endpoint
    // admits the token itself and names its caller), naming the ward's patient
    List<AuditRecord> events =
        read(
            e ->
                e.subtype() != AuditSubtype.WARD_MOVE
                    && (user.equals(e.agentSubject()) || e.patients().contains(p)),
            4);
    assertThat(events)
        .extracting(AuditRecord::subtype)
        .containsExactly(
            AuditSubtype.SUBSCRIBE, // GET /api/v1/dashboard/events?ward=
            AuditSubtype.UNSUBSCRIBE,
            AuditSubtype.SUBSCRIBE,
            AuditSubtype.SUBSCRIBE);
    assertThat(events).extracting(AuditRecord::status).containsExactly(200, 202, 202, 403);
    assertThat(events.get(3).outcome()).isEqualTo(AuditOutcome.MINOR_FAILURE);
    assertThat(events.subList(0, 3)).allSatisfy(e -> assertThat(e.patients()).containsExactly(p));
    assertThat(events).allSatisfy(e -> assertThat(e.agentSubject()).isEqualTo(user));
    assertThat(
            events.stream()
                .filter(e -> e.subtype() == AuditSubtype.SUBSCRIBE && e.status() < 400)
                .map(AuditRecord::patients))
        .hasSize(2)
        .allSatisfy(patients -> assertThat(patients).containsExactly(p));
  }

  private static StatusAssertions post(String connection, String token, String body) {
    return http.post()
        .uri("/api/v1/dashboard/connections/{id}/messages", connection)
        .headers(h -> h.setBearerAuth(token))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus();
  }

  private static WebTestClient.ResponseSpec handshake(HttpHeaders headers, String requestId) {
    return http.get()
        .uri(WebSocketEndpoint.PATH)
        .headers(h -> h.addAll(headers))
        .header("X-Request-Id", requestId)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .exchange();
  }

  /**
   * The events on the audit topic that match, in the order recorded, once {@code expected} arrived
   * and two more seconds passed without another (so an extra event would be seen).
   */
  private static List<AuditRecord> read(Predicate<AuditRecord> matching, int expected) {
    List<AuditRecord> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalStack.shared().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                prefix + "audit-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of(prefix + "audit.v1"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long quietUntil = 0;
      while (System.nanoTime() < deadline) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  AuditRecord event = AuditEvents.fromJson(r.value());
                  if (matching.test(event)) {
                    events.add(event);
                  }
                });
        if (events.size() >= expected) {
          if (quietUntil == 0) {
            quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
          } else if (System.nanoTime() > quietUntil) {
            break;
          }
        }
      }
    }
    events.sort((a, b) -> a.recorded().compareTo(b.recorded()));
    return events;
  }
}
