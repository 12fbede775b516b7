package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.CloseStatus;
import tools.jackson.databind.JsonNode;

/**
 * The dashboards with security on, against the real broker and PostgreSQL and real signed tokens
 * ({@link TestIssuer}): who may connect (header, ticket, nothing, a bad token, a bad origin), who
 * may watch which patient (wards, patient context, system scope, a patient moved away while
 * connected), who may talk to an SSE stream, who acknowledged, who may move patients, and that an
 * expired token ends the stream.
 */
class DashboardSecurityTest {

  private static final String READ = "user/Observation.rs";
  private static final String ADMIN = "vitalflow/wards.admin";

  private static ConfigurableApplicationContext app;
  private static PostgresCoordinates database;
  private static Topics4 topics;
  private static TestIssuer issuer;
  private static String base;
  private static WebTestClient http;
  private static WebClient webClient;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    LocalStack stack = LocalStack.shared();
    issuer = TestIssuer.shared();
    String prefix = stack.freshTopicPrefix();
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
                "--vitalflow.dashboard.sync-interval=300ms"));
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

  private static String nurse(String name, String... wards) throws Exception {
    return issuer.userToken(name, List.of(wards), READ);
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

  private static WsClient ws(String query, HttpHeaders headers) {
    return new WsClient("ws://" + base + WebSocketEndpoint.PATH + query, headers, true);
  }

  /** A WebSocket handshake that is expected to be refused (so no 101 to handle). */
  private static WebTestClient.ResponseSpec handshake(String query, HttpHeaders headers) {
    return http.get()
        .uri(WebSocketEndpoint.PATH + query)
        .headers(h -> h.addAll(headers))
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .exchange();
  }

  private static String ticket(String token) {
    JsonNode body =
        Received.JSON.readTree(
            http.post()
                .uri("/api/v1/dashboard/tickets")
                .headers(h -> h.setBearerAuth(token))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    assertThat(body.path("expiresIn").intValue()).isEqualTo(30);
    return body.path("ticket").asString();
  }

  @Test
  void aWebSocketWithoutAValidTokenIsRefusedBeforeTheUpgrade() throws Exception {
    handshake("", new HttpHeaders())
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(401);
    handshake("", bearer(issuer.forged(READ)))
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .value(HttpHeaders.WWW_AUTHENTICATE, v -> assertThat(v).contains("invalid_token"));
    handshake("", bearer(issuer.token(c -> c.claim("scope", READ).audience("another-service"))))
        .expectStatus()
        .isUnauthorized();
    handshake("?ticket=made-up", new HttpHeaders())
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("ticket is unknown, expired or already used"));
    handshake("", bearer(issuer.userToken("clerk", List.of("w"), "user/Patient.rs")))
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .value(HttpHeaders.WWW_AUTHENTICATE, v -> assertThat(v).contains("insufficient_scope"));

    String p = fresh("p");
    try (WsClient client = ws("?patients=" + p, bearer(issuer.token("system/Observation.rs")))) {
      assertThat(client.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(p);
      client.received.next("snapshot");
    }
  }

  @Test
  void anEventStreamWithoutAValidTokenIsRefused() throws Exception {
    http.get()
        .uri("/api/v1/dashboard/events")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    http.get()
        .uri("/api/v1/dashboard/events")
        .headers(h -> h.setBearerAuth(issuer.unsigned(READ)))
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus()
        .isUnauthorized();
    http.get()
        .uri("/api/v1/dashboard/events?ticket=made-up")
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus()
        .isUnauthorized();
    String noObservation = issuer.token("user/Patient.rs");
    http.get()
        .uri("/api/v1/dashboard/events")
        .headers(h -> h.setBearerAuth(noObservation))
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus()
        .isForbidden();
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events", null, issuer.token("system/*.rs"))) {
      sse.received.next("subscribed");
    }
  }

  @Test
  void aTicketOpensOneConnectionOnlyAndCarriesItsUser() throws Exception {
    http.post().uri("/api/v1/dashboard/tickets").exchange().expectStatus().isUnauthorized();
    String noObservation = issuer.token("user/Patient.rs");
    http.post()
        .uri("/api/v1/dashboard/tickets")
        .headers(h -> h.setBearerAuth(noObservation))
        .exchange()
        .expectStatus()
        .isForbidden();
    String ward = fresh("w");
    String p = fresh("p");
    assign(ward, p);
    String token = nurse("nurse-ticket", ward);
    String ticket = ticket(token);
    try (WsClient client = ws("?ward=" + ward + "&ticket=" + ticket, new HttpHeaders())) {
      assertThat(client.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(p);
      client.received.next("snapshot");
      String alertId = topics.alert(p);
      client.received.await(m -> Received.is(m, "alert", p), "alert");
      client.send("{\"type\":\"ack\",\"alertId\":\"" + alertId + "\"}");
      JsonNode ack = client.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack");
      assertThat(ack.path("acknowledgedBy").asString()).isEqualTo("nurse-ticket");
    }
    handshake("?ticket=" + ticket, new HttpHeaders()).expectStatus().isUnauthorized();
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events?ticket=" + ticket(token), null)) {
      sse.received.next("subscribed");
    }
  }

  @Test
  void aUserWatchesOnlyTheirWardsAndLosesAPatientMovedAwayWhileConnected() throws Exception {
    String wardA = fresh("wa");
    String wardB = fresh("wb");
    String onA = fresh("p");
    String onB = fresh("p");
    String moving = fresh("p");
    assign(wardA, onA);
    assign(wardA, moving);
    assign(wardB, onB);
    HttpHeaders nurse = bearer(nurse("nurse-a", wardA));
    try (WsClient byName = ws("?patients=" + moving, nurse);
        WsClient byWard = ws("?ward=" + wardA, nurse)) {
      byName.received.next("subscribed");
      byName.received.next("snapshot");
      assertThat(byWard.received.next("subscribed").path("patients"))
          .extracting(JsonNode::asString)
          .containsExactlyInAnyOrder(onA, moving);
      byWard.received.next("snapshot");

      byName.send("{\"type\":\"subscribe\",\"requestId\":\"r1\",\"patients\":[\"" + onB + "\"]}");
      JsonNode refused = byName.received.next("error");
      assertThat(refused.path("code").asString()).isEqualTo("forbidden");
      assertThat(refused.path("patients").get(0).asString()).isEqualTo(onB);
      byName.send("{\"type\":\"subscribe\",\"requestId\":\"r2\",\"ward\":\"" + wardB + "\"}");
      assertThat(byName.received.next("error").path("code").asString()).isEqualTo("forbidden");

      assign(wardB, moving);
      JsonNode revoked = byName.received.next("error");
      assertThat(revoked.path("code").asString()).isEqualTo("access-revoked");
      assertThat(revoked.path("patients").get(0).asString()).isEqualTo(moving);
      assertThat(byName.received.next("subscribed").path("patients").size()).isZero();
      assertThat(byWard.received.next("subscribed").path("patients"))
          .extracting(JsonNode::asString)
          .containsExactly(onA);

      int seenByName = byName.received.all().size();
      int seenByWard = byWard.received.all().size();
      topics.vital(moving, "8867-4", 99);
      topics.vital(onA, "8867-4", 98);
      byWard.received.await(m -> Received.is(m, "vital", onA), "vital of the patient still on A");
      Thread.sleep(500);
      assertThat(byName.received.all().subList(seenByName, byName.received.all().size()))
          .noneMatch(m -> moving.equals(m.path("patientId").asString()));
      assertThat(byWard.received.all().subList(seenByWard, byWard.received.all().size()))
          .noneMatch(m -> moving.equals(m.path("patientId").asString()));
    }
  }

  @Test
  void anSseUserWatchesTheirWardAndAPatientMovedAwayLeavesTheStream() throws Exception {
    String wardA = fresh("wa");
    String wardB = fresh("wb");
    String stays = fresh("p");
    String moving = fresh("p");
    assign(wardA, stays);
    assign(wardA, moving);
    String token = nurse("nurse-sse", wardA);
    try (SseClient byWard =
            new SseClient(webClient, "/api/v1/dashboard/events?ward=" + wardA, null, token);
        SseClient byName =
            new SseClient(webClient, "/api/v1/dashboard/events?patients=" + moving, null, token);
        SseClient refused =
            new SseClient(webClient, "/api/v1/dashboard/events?ward=" + wardB, null, token)) {
      assertThat(byWard.received.next("subscribed").path("patients")).hasSize(2);
      byName.received.next("subscribed");
      assertThat(refused.received.await("error").path("code").asString()).isEqualTo("forbidden");

      assign(wardB, moving);
      assertThat(byWard.received.await("subscribed").path("patients"))
          .extracting(JsonNode::asString)
          .containsExactly(stays);
      JsonNode revoked = byName.received.await("error");
      assertThat(revoked.path("code").asString()).isEqualTo("access-revoked");
      assertThat(byName.received.await("subscribed").path("patients").size()).isZero();
    }
  }

  @Test
  void aPatientContextTokenSeesOnlyItsPatientAndASystemScopeSeesAll() throws Exception {
    String mine = fresh("p");
    String other = fresh("p");
    String ward = fresh("w");
    assign(ward, mine);
    HttpHeaders patient = bearer(issuer.patientToken(mine, "patient/Observation.rs"));
    try (WsClient client = ws("?patients=" + mine, patient)) {
      client.received.next("subscribed");
      client.received.next("snapshot");
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + other + "\"]}");
      assertThat(client.received.next("error").path("code").asString()).isEqualTo("forbidden");
      client.send("{\"type\":\"subscribe\",\"ward\":\"" + ward + "\"}");
      assertThat(client.received.next("error").path("code").asString()).isEqualTo("forbidden");
    }
    try (WsClient station = ws("?ward=" + ward, bearer(issuer.token("system/Observation.rs")))) {
      assertThat(station.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(mine);
      station.received.next("snapshot");
      station.send("{\"type\":\"subscribe\",\"patients\":[\"" + other + "\"]}");
      assertThat(station.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(other);
    }
    // wards ["*"]: every ward (the local authorization server's administrator)
    try (WsClient everyWard = ws("?ward=" + ward, bearer(nurse("admin", "*")))) {
      assertThat(everyWard.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(mine);
    }
  }

  @Test
  void thePageAndItsLoginSettingsAreServedWithoutAToken() {
    http.get()
        .uri("/api/v1/dashboard/login")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.enabled")
        .isEqualTo(true)
        .jsonPath("$.authorizationUri")
        .isEqualTo(issuer.issuer() + "/oauth2/authorize")
        .jsonPath("$.tokenUri")
        .isEqualTo(issuer.issuer() + "/oauth2/token")
        .jsonPath("$.clientId")
        .isEqualTo("vitalflow-ward");
    http.get()
        .uri("/ward/callback?code=c1&state=s1")
        .exchange()
        .expectStatus()
        .isSeeOther()
        .expectHeader()
        .location("/?code=c1&state=s1");
    http.get().uri("/").exchange().expectStatus().isOk();
    http.get().uri("/ward.js").exchange().expectStatus().isOk();
    http.get().uri("/api/v1/wards/w1").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void onlyThePrincipalThatOpenedAnEventStreamMayChangeIt() throws Exception {
    String ward = fresh("w");
    String p = fresh("p");
    assign(ward, p);
    String owner = nurse("nurse-owner", ward);
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events?ward=" + ward, null, owner)) {
      String id = sse.received.next("subscribed").path("connectionId").asString();
      String body = "{\"type\":\"unsubscribe\"}";
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", id)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isUnauthorized();
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", id)
          .headers(h -> h.setBearerAuth(nurseToken("intruder", ward)))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isForbidden()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON);
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", "no-such-connection")
          .headers(h -> h.setBearerAuth(owner))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isNotFound();
      // another token of the same user and client is the same principal (a refreshed token)
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", id)
          .headers(h -> h.setBearerAuth(nurseToken("nurse-owner", ward)))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isAccepted();
      assertThat(sse.received.await("subscribed").path("patients").size()).isZero();
    }
  }

  private static String nurseToken(String name, String ward) {
    try {
      return nurse(name, ward);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWebSocketFromAnotherSitesPageIsRefused() throws Exception {
    String token = issuer.token("system/Observation.rs");
    HttpHeaders evil = bearer(token);
    evil.setOrigin("http://evil.example");
    handshake("", evil).expectStatus().isForbidden();
    HttpHeaders own = bearer(token);
    own.setOrigin("http://" + base);
    try (WsClient client = ws("", own)) {
      client.received.next("subscribed");
    }
    HttpHeaders localhost = bearer(token);
    localhost.setOrigin("http://localhost:" + base.substring(base.indexOf(':') + 1));
    try (WsClient client = ws("", localhost)) {
      client.received.next("subscribed");
    }
  }

  @Test
  void anAcknowledgementRecordsTheUser() throws Exception {
    String ward = fresh("w");
    String p = fresh("p");
    assign(ward, p);
    try (WsClient client = ws("?ward=" + ward, bearer(nurse("nurse-ack", ward)))) {
      client.received.next("subscribed");
      client.received.next("snapshot");
      String alertId = topics.alert(p);
      client.received.await(m -> Received.is(m, "alert", p), "alert");
      client.send("{\"type\":\"ack\",\"alertId\":\"" + alertId + "\"}");
      JsonNode ack = client.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack");
      assertThat(ack.path("acknowledgedBy").asString()).isEqualTo("nurse-ack");
      assertThat(storedAck(alertId)).isEqualTo("nurse-ack");
    }
    // a user of another ward cannot acknowledge it (nor learn that it exists)
    String other = fresh("p");
    assign(ward, other);
    try (WsClient watcher = ws("?ward=" + ward, bearer(nurse("nurse-ack", ward)));
        WsClient stranger = ws("", bearer(nurse("nurse-elsewhere", fresh("w"))))) {
      watcher.received.next("subscribed");
      watcher.received.next("snapshot");
      stranger.received.next("subscribed");
      String alertId = topics.alert(other);
      watcher.received.await(m -> Received.is(m, "alert", other), "alert");
      stranger.send("{\"type\":\"ack\",\"requestId\":\"a1\",\"alertId\":\"" + alertId + "\"}");
      assertThat(stranger.received.await("error").path("code").asString())
          .isEqualTo("unknown-alert");
    }
  }

  private static String storedAck(String alertId) throws Exception {
    for (int i = 0; i < 50; i++) {
      try (Connection connection = database.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet row =
              statement.executeQuery(
                  "select acknowledged_by from alert_ack where alert_id = '" + alertId + "'")) {
        if (row.next()) {
          return row.getString(1);
        }
      }
      Thread.sleep(100);
    }
    return null;
  }

  @Test
  void movingAPatientBetweenWardsNeedsTheAdminScope() throws Exception {
    String ward = fresh("w");
    String p = fresh("p");
    http.put()
        .uri("/api/v1/wards/{ward}/patients/{patient}", ward, p)
        .headers(h -> h.setBearerAuth(nurseToken("nurse-move", ward)))
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains(ADMIN));
    http.put()
        .uri("/api/v1/wards/{ward}/patients/{patient}", ward, p)
        .exchange()
        .expectStatus()
        .isUnauthorized();
    http.get()
        .uri("/api/v1/wards/{ward}", ward)
        .headers(h -> h.setBearerAuth(nurseToken("nurse-move", ward)))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.patients.length()")
        .isEqualTo(0);
    assign(ward, p);
    http.get()
        .uri("/api/v1/wards/{ward}", ward)
        .headers(h -> h.setBearerAuth(nurseToken("nurse-move", ward)))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.patients[0]")
        .isEqualTo(p);
    http.get()
        .uri("/api/v1/wards/{ward}", ward)
        .headers(h -> h.setBearerAuth(nurseToken("nurse-move", fresh("w"))))
        .exchange()
        .expectStatus()
        .isForbidden();
  }

  @Test
  void anExpiredTokenEndsTheStreamWithAReason() throws Exception {
    Instant expires = Instant.now().plusSeconds(3);
    String shortLived =
        issuer.token(
            c ->
                c.subject("nurse-short")
                    .claim("scope", READ)
                    .claim("wards", List.of("w-short"))
                    .expirationTime(Date.from(expires)));
    long opened = System.currentTimeMillis();
    try (WsClient client = ws("", bearer(shortLived));
        SseClient sse = new SseClient(webClient, "/api/v1/dashboard/events", null, shortLived)) {
      client.received.next("subscribed");
      sse.received.next("subscribed");
      CloseStatus status = client.awaitClose(Duration.ofSeconds(20));
      long closedAt = System.currentTimeMillis();
      assertThat(status.getCode()).isEqualTo(4401);
      assertThat(status.getReason()).isEqualTo("token-expired");
      assertThat(client.received.await("error").path("code").asString()).isEqualTo("token-expired");
      // exp plus the 5 s clock skew (the last moment the token would still be accepted), then the
      // next one-second sweep
      assertThat(closedAt).isGreaterThanOrEqualTo(expires.toEpochMilli() + 5_000 - 1_000);
      assertThat(closedAt - opened).isLessThan(15_000);
      assertThat(sse.received.await("error").path("code").asString()).isEqualTo("token-expired");
      assertThat(sse.awaitEnd(Duration.ofSeconds(10))).isTrue();
    }
    handshake("", bearer(shortLived)).expectStatus().isUnauthorized();
  }
}
