package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.access.AccessPolicy;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.state.Hub;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.storage.PostgresCoordinates;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.CloseStatus;
import tools.jackson.databind.JsonNode;

/**
 * Both endpoints end to end, against the real broker and PostgreSQL: events produced to the derived
 * topics come out of the WebSocket and the event stream. Each test uses its own patients.
 */
class DashboardStreamTest {

  private static ConfigurableApplicationContext app;
  private static PostgresCoordinates database;
  private static Topics4 topics;
  private static String base;
  private static WebTestClient http;
  private static WebClient webClient;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    database = stack.freshDatabase("dashboard_push");
    topics = new Topics4(stack.kafkaBootstrap(), prefix);
    app =
        DashboardPushApplication.builder()
            .initializers(
                context ->
                    ((GenericApplicationContext) context)
                        .registerBean(
                            AccessPolicy.class,
                            () -> (client, patientId) -> !patientId.startsWith("secret-")))
            .run(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + prefix,
                "--vitalflow.dashboard.vital-throttle=100ms",
                "--vitalflow.dashboard.heartbeat-interval=1s",
                "--vitalflow.dashboard.sync-interval=300ms",
                "--vitalflow.dashboard.queue-capacity=64",
                // streams live far longer than the keep-alive idle timeout, which only applies
                // between requests, and
                // WebSocket frames are no request head (the head deadline stops at the upgrade)
                "--vitalflow.http.idle-timeout=1s",
                "--vitalflow.http.request-header-timeout=1s",
                "--vitalflow.http.request-timeout=1s",
                "--vitalflow.http.body-read-timeout=1s");
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    base = "127.0.0.1:" + port;
    http = WebTestClient.bindToServer().baseUrl("http://" + base).build();
    webClient = WebClient.create("http://" + base);
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

  private static String patient() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static WsClient ws(String query) {
    return new WsClient("ws://" + base + WebSocketEndpoint.PATH + query, true);
  }

  private static String token(JsonNode subscribed, long seq) {
    return subscribed.path("instance").asString() + ":" + seq;
  }

  @Test
  void webSocketSubscribeGivesASnapshotThenLiveEvents() {
    String p1 = patient();
    try (WsClient first = ws("?patients=" + p1)) {
      first.received.next("subscribed");
      JsonNode empty = first.received.next("snapshot");
      assertThat(empty.path("patients").get(0).path("alerts").size()).isZero();

      String alertId = topics.alert(p1);
      topics.news2(p1, 7, RiskBand.HIGH);
      topics.vital(p1, "8867-4", 131);
      topics.aggregate(p1, "8867-4", 120);
      JsonNode alert = first.received.await(m -> Received.is(m, "alert", p1), "alert");
      assertThat(alert.path("alertId").asString()).isEqualTo(alertId);
      assertThat(alert.path("acknowledged").booleanValue()).isFalse();
      first.received.await(
          m -> Received.is(m, "news2", p1) && m.path("band").asString().equals("HIGH"), "news2");
      first.received.await(
          m -> Received.is(m, "vital", p1) && m.path("value").doubleValue() == 131, "vital");
      first.received.await(
          m -> Received.is(m, "aggregate", p1) && m.path("mean").doubleValue() == 120, "aggregate");
    }
    try (WsClient second = new WsClient("ws://" + base + WebSocketEndpoint.PATH, true)) {
      JsonNode hello = second.received.next("subscribed");
      assertThat(hello.path("patients").size()).isZero();
      assertThat(second.received.next("snapshot").path("patients").size()).isZero();
      second.send("{\"type\":\"subscribe\",\"requestId\":\"r1\",\"patients\":[\"" + p1 + "\"]}");
      JsonNode subscribed = second.received.next("subscribed");
      assertThat(subscribed.path("requestId").asString()).isEqualTo("r1");
      assertThat(subscribed.path("resume").asString()).isEqualTo("snapshot");
      JsonNode patient = second.received.next("snapshot").path("patients").get(0);
      assertThat(patient.path("patientId").asString()).isEqualTo(p1);
      assertThat(patient.path("alerts").get(0).path("title").asString())
          .isEqualTo("NEWS2 band HIGH");
      assertThat(patient.path("news2").path("score").intValue()).isEqualTo(7);
      assertThat(patient.path("vitals").get(0).path("value").doubleValue()).isEqualTo(131.0);
      assertThat(patient.path("aggregates").get(0).path("mean").doubleValue()).isEqualTo(120.0);
      topics.vital(p1, "59408-5", 91);
      second.received.await(
          m -> Received.is(m, "vital", p1) && m.path("code").asString().equals("59408-5"),
          "live vital after the snapshot");
    }
  }

  @Test
  void snapshotFallsBackToStoredLatestValues() throws Exception {
    String stored = patient();
    // a finished window: its last reading must lie in the past, else the snapshot rightly passes it
    // over as
    // dated ahead (which a window of the current minute is during its first seconds)
    Instant minute = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "insert into vital_aggregate_1m values ('"
              + stored
              + "', '8867-4', '"
              + minute
              + "', '"
              + minute.plusSeconds(60)
              + "', '/min', 1, 77, 77, 77, 77, 77, '"
              + minute.plusSeconds(5)
              + "')");
    }
    try (WsClient client = ws("?patients=" + stored)) {
      client.received.next("subscribed");
      JsonNode vitals = client.received.next("snapshot").path("patients").get(0).path("vitals");
      assertThat(vitals.size()).isEqualTo(1);
      assertThat(vitals.get(0).path("value").doubleValue()).isEqualTo(77.0);
    }
  }

  @Test
  void changingTheSubscriptionSwitchesToTheNewPatientsOnly() throws Exception {
    String before = patient();
    String after = patient();
    try (WsClient client = ws("?patients=" + before)) {
      client.received.next("subscribed");
      client.received.next("snapshot");
      topics.vital(before, "8867-4", 60);
      client.received.await(m -> Received.is(m, "vital", before), "vital of the first patient");

      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + after + "\"]}");
      assertThat(client.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(after);
      assertThat(
              client.received.next("snapshot").path("patients").get(0).path("patientId").asString())
          .isEqualTo(after);
      int seen = client.received.all().size();
      topics.vital(before, "8867-4", 61);
      topics.alert(before);
      topics.vital(after, "8867-4", 62);
      client.received.await(m -> Received.is(m, "vital", after), "vital of the new patient");
      Thread.sleep(500);
      assertThat(client.received.all().subList(seen, client.received.all().size()))
          .noneMatch(m -> before.equals(m.path("patientId").asString()));
    }
  }

  @Test
  void webSocketResumeTokenReplaysWhatWasMissed() {
    String p = patient();
    String other = patient();
    String token;
    try (WsClient client = ws("?patients=" + p)) {
      JsonNode subscribed = client.received.next("subscribed");
      client.received.next("snapshot");
      topics.vital(p, "8867-4", 70);
      JsonNode vital = client.received.await(m -> Received.is(m, "vital", p), "vital");
      token = token(subscribed, vital.path("seq").longValue());
    }
    String missedAlert;
    try (WsClient watcher = ws("?patients=" + p + "," + other)) {
      watcher.received.next("subscribed");
      watcher.received.next("snapshot");
      missedAlert = topics.alert(p);
      topics.alert(other);
      watcher.received.awaitEach(
          Map.of(
              "the alert to be missed", m -> Received.is(m, "alert", p),
              "the other patient's alert", m -> Received.is(m, "alert", other)));
    }
    try (WsClient resumed = ws("?patients=" + p + "&resume=" + token.replace(":", "%3A"))) {
      assertThat(resumed.received.next("subscribed").path("resume").asString())
          .isEqualTo("replayed");
      JsonNode replayed = resumed.received.next("alert");
      assertThat(replayed.path("alertId").asString()).isEqualTo(missedAlert);
      topics.vital(p, "8867-4", 71);
      JsonNode live = resumed.received.next("vital");
      assertThat(live.path("value").doubleValue()).isEqualTo(71.0);
      assertThat(resumed.received.all())
          .noneMatch(m -> "snapshot".equals(m.path("type").asString()));
    }
    try (WsClient stranger = ws("?patients=" + p + "&resume=another-instance:5")) {
      assertThat(stranger.received.next("subscribed").path("resume").asString())
          .isEqualTo("snapshot");
      stranger.received.next("snapshot");
    }
  }

  @Test
  void sseSubscribeSnapshotLiveAndResumeWithLastEventId() {
    String p = patient();
    String lastEventId;
    try (SseClient sse = new SseClient(webClient, "/api/v1/dashboard/events?patients=" + p, null)) {
      sse.received.next("subscribed");
      sse.received.next("snapshot");
      topics.vital(p, "8867-4", 80);
      sse.received.await(m -> Received.is(m, "vital", p), "vital over SSE");
      lastEventId = sse.lastEventId();
      // the id of the newest frame: the vital, or a heartbeat after it carrying this instance's
      // newer sequence
      long vitalSeq = sse.received.all().get(2).path("seq").longValue();
      assertThat(Long.parseLong(lastEventId.substring(lastEventId.indexOf(':') + 1)))
          .isGreaterThanOrEqualTo(vitalSeq);
    }
    String missed;
    try (WsClient watcher = ws("?patients=" + p)) {
      watcher.received.next("subscribed");
      watcher.received.next("snapshot");
      missed = topics.alert(p);
      topics.news2(p, 3, RiskBand.LOW_MEDIUM);
      // two topics: the feed keeps order within a topic, not across them
      watcher.received.awaitEach(p, "alert", "news2");
    }
    try (SseClient resumed =
        new SseClient(webClient, "/api/v1/dashboard/events?patients=" + p, lastEventId)) {
      assertThat(resumed.received.next("subscribed").path("resume").asString())
          .isEqualTo("replayed");
      Map<String, JsonNode> replayed = resumed.received.awaitEach(p, "alert", "news2");
      assertThat(replayed.get("alert").path("alertId").asString()).isEqualTo(missed);
      assertThat(replayed.get("news2").path("score").intValue()).isEqualTo(3);
      topics.vital(p, "8867-4", 81);
      assertThat(resumed.received.next("vital").path("value").doubleValue()).isEqualTo(81.0);
    }
  }

  @Test
  void sseSubscriptionChangesThroughPost() throws Exception {
    String before = patient();
    String after = patient();
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events?patients=" + before, null)) {
      String connectionId = sse.received.next("subscribed").path("connectionId").asString();
      sse.received.next("snapshot");
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", connectionId)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"type\":\"subscribe\",\"patients\":[\"" + after + "\"]}")
          .exchange()
          .expectStatus()
          .isAccepted();
      assertThat(sse.received.next("subscribed").path("patients").get(0).asString())
          .isEqualTo(after);
      sse.received.next("snapshot");
      int seen = sse.received.all().size();
      topics.vital(before, "8867-4", 90);
      topics.vital(after, "8867-4", 91);
      sse.received.await(m -> Received.is(m, "vital", after), "vital of the new patient");
      Thread.sleep(500);
      assertThat(sse.received.all().subList(seen, sse.received.all().size()))
          .noneMatch(m -> before.equals(m.path("patientId").asString()));

      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", connectionId)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{oops")
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON);
      assertThat(sse.received.next("error").path("code").asString()).isEqualTo("malformed");
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", connectionId)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"type\":\"subscribe\",\"patients\":[\"secret-9\"]}")
          .exchange()
          .expectStatus()
          .isForbidden();
      assertThat(sse.received.next("error").path("code").asString()).isEqualTo("forbidden");
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", "no-such-connection")
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"type\":\"ping\"}")
          .exchange()
          .expectStatus()
          .isNotFound();
    }
  }

  @Test
  void anSseStreamWhoseSubscriptionIsRefusedStaysOpenAndCanSubscribeAgain() {
    String p = patient();
    try (SseClient sse =
        new SseClient(webClient, "/api/v1/dashboard/events?patients=secret-3", null)) {
      JsonNode refused = sse.received.next("error");
      assertThat(refused.path("code").asString()).isEqualTo("forbidden");
      JsonNode hello = sse.received.next("subscribed");
      assertThat(hello.path("patients").size()).isZero();
      sse.received.next("snapshot");
      http.post()
          .uri("/api/v1/dashboard/connections/{id}/messages", hello.path("connectionId").asString())
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"type\":\"subscribe\",\"patients\":[\"" + p + "\"]}")
          .exchange()
          .expectStatus()
          .isAccepted();
      assertThat(sse.received.next("subscribed").path("patients").get(0).asString()).isEqualTo(p);
    }
  }

  @Test
  void malformedAndUnknownMessagesGetAnErrorAndTheConnectionStaysUsable() {
    String p = patient();
    try (WsClient client = new WsClient("ws://" + base + WebSocketEndpoint.PATH, false)) {
      client.received.next("subscribed");
      client.received.next("snapshot");
      client.send("this is not json");
      assertThat(client.received.next("error").path("code").asString()).isEqualTo("malformed");
      client.send("{\"type\":\"launch-missiles\",\"requestId\":\"r7\"}");
      JsonNode unknown = client.received.next("error");
      assertThat(unknown.path("code").asString()).isEqualTo("unknown-type");
      assertThat(unknown.path("requestId").asString()).isEqualTo("r7");
      client.send("{\"type\":\"subscribe\",\"patients\":\"" + p + "\"}");
      assertThat(client.received.next("error").path("code").asString()).isEqualTo("invalid");
      client.send("{\"type\":\"ping\",\"requestId\":\"r8\"}");
      assertThat(
              client
                  .received
                  .await(m -> "r8".equals(m.path("requestId").asString()), "ping answer")
                  .path("type")
                  .asString())
          .isEqualTo("heartbeat");
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + p + "\"]}");
      client.received.next("subscribed");
      client.received.next("snapshot");
    }
  }

  @Test
  void aPatientTheClientMayNotSeeIsRefusedAndTheSubscriptionKept() {
    String p = patient();
    try (WsClient client = ws("?patients=" + p)) {
      client.received.next("subscribed");
      client.received.next("snapshot");
      client.send("{\"type\":\"subscribe\",\"patients\":[\"" + p + "\",\"secret-1\"]}");
      JsonNode refused = client.received.next("error");
      assertThat(refused.path("code").asString()).isEqualTo("forbidden");
      assertThat(refused.path("patients").get(0).asString()).isEqualTo("secret-1");
      topics.vital(p, "8867-4", 99);
      client.received.await(m -> Received.is(m, "vital", p), "vital of the kept subscription");
    }
    try (WsClient direct = ws("?patients=secret-2")) {
      assertThat(direct.received.next("error").path("code").asString()).isEqualTo("forbidden");
      direct.send("{\"type\":\"ping\",\"requestId\":\"still-there\"}");
      direct.received.await(
          m -> "still-there".equals(m.path("requestId").asString()), "ping answer");
    }
  }

  @Test
  void acknowledgingAnAlertIsBroadcastAndStored() throws Exception {
    String p = patient();
    try (WsClient clinician = ws("?patients=" + p);
        WsClient colleague = ws("?patients=" + p)) {
      clinician.received.next("subscribed");
      colleague.received.next("subscribed");
      String alertId = topics.alert(p);
      clinician.received.await(m -> Received.is(m, "alert", p), "alert");
      colleague.received.await(m -> Received.is(m, "alert", p), "alert");
      clinician.send("{\"type\":\"ack\",\"alertId\":\"" + alertId + "\"}");
      JsonNode ack = colleague.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack");
      assertThat(ack.path("alertId").asString()).isEqualTo(alertId);
      assertThat(ack.path("acknowledgedBy").asString()).isEqualTo("anonymous");
      clinician.send("{\"type\":\"ack\",\"alertId\":\"nope\"}");
      assertThat(clinician.received.await("error").path("code").asString())
          .isEqualTo("unknown-alert");
      try (WsClient later = ws("?patients=" + p)) {
        later.received.next("subscribed");
        JsonNode alert =
            later.received.next("snapshot").path("patients").get(0).path("alerts").get(0);
        assertThat(alert.path("acknowledged").booleanValue()).isTrue();
      }
      assertThat(storedAck(alertId)).isEqualTo("anonymous");
    }
  }

  @Test
  void acknowledgementsAndWardMovesMadeThroughAnotherInstanceArriveThroughPostgres()
      throws Exception {
    String p = patient();
    String ward = "w-" + UUID.randomUUID().toString().substring(0, 8);
    try (WsClient client = ws("?patients=" + p)) {
      client.received.next("subscribed");
      String alertId = topics.alert(p);
      client.received.await(m -> Received.is(m, "alert", p), "alert");
      try (Connection connection = database.dataSource().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute(
            "insert into alert_ack values ('" + alertId + "', '" + p + "', now(), 'nurse-on-b')");
        statement.execute(
            "insert into ward_assignment values ('" + p + "', '" + ward + "', now())");
      }
      JsonNode ack =
          client.received.await(m -> Received.is(m, "alert-ack", p), "alert-ack from elsewhere");
      assertThat(ack.path("acknowledgedBy").asString()).isEqualTo("nurse-on-b");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline
        && !http.get()
            .uri("/api/v1/wards/{ward}", ward)
            .exchange()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody()
            .contains(p)) {
      Thread.sleep(100);
    }
    http.get()
        .uri("/api/v1/wards/{ward}", ward)
        .exchange()
        .expectBody()
        .jsonPath("$.patients[0]")
        .isEqualTo(p);
  }

  private static String storedAck(String alertId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet row =
            statement.executeQuery(
                "select acknowledged_by from alert_ack where alert_id = '" + alertId + "'")) {
          if (row.next()) {
            return row.getString(1);
          }
        }
        Thread.sleep(100);
      }
    }
    return null;
  }

  @Test
  void wardSubscriptionFollowsTheAssignment() {
    String ward = "w-" + UUID.randomUUID().toString().substring(0, 8);
    String first = patient();
    String second = patient();
    http.put()
        .uri("/api/v1/wards/{ward}/patients/{patient}", ward, first)
        .exchange()
        .expectStatus()
        .isNoContent();
    http.get()
        .uri("/api/v1/wards/{ward}", ward)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.patients[0]")
        .isEqualTo(first);
    http.put()
        .uri("/api/v1/wards/{ward}/patients/{patient}", ward, "bad id!")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    try (WsClient client = ws("?ward=" + ward)) {
      JsonNode subscribed = client.received.next("subscribed");
      assertThat(subscribed.path("ward").asString()).isEqualTo(ward);
      assertThat(subscribed.path("patients").get(0).asString()).isEqualTo(first);
      assertThat(client.received.next("snapshot").path("patients").get(0).path("ward").asString())
          .isEqualTo(ward);
      http.put()
          .uri("/api/v1/wards/{ward}/patients/{patient}", ward, second)
          .exchange()
          .expectStatus()
          .isNoContent();
      JsonNode grown = client.received.next("subscribed");
      assertThat(grown.path("patients")).hasSize(2);
      client.received.next("snapshot");
      topics.vital(second, "8867-4", 55);
      client.received.await(
          m -> Received.is(m, "vital", second), "vital of the patient who joined the ward");
    }
  }

  @Test
  void heartbeatsFlowAndASilentWebSocketIsReaped() {
    try (WsClient silent = new WsClient("ws://" + base + WebSocketEndpoint.PATH, false)) {
      silent.received.await("heartbeat");
      CloseStatus status = silent.awaitClose(Duration.ofSeconds(6));
      assertThat(status).isNotNull();
      assertThat(status.getCode()).isEqualTo(CloseReason.IDLE.status());
      assertThat(silent.received.all())
          .anyMatch(m -> "idle-timeout".equals(m.path("code").asString()));
    }
    try (SseClient sse = new SseClient(webClient, "/api/v1/dashboard/events", null)) {
      sse.received.await("heartbeat");
    }
  }

  @Test
  void aWebSocketClientThatStopsReadingIsClosedInsteadOfGrowingMemory() throws Exception {
    String p = patient();
    PushMetrics metrics = app.getBean(PushMetrics.class);
    Hub hub = app.getBean(Hub.class);
    double closesBefore = metrics.slowClientCloses.count();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      String[] hostPort = base.split(":");
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + WebSocketEndpoint.PATH
                      + "?patients="
                      + p
                      + " HTTP/1.1\r\nHost: "
                      + base
                      + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      StringBuilder seen = new StringBuilder();
      byte[] chunk = new byte[256];
      while (seen.indexOf("\"type\":\"snapshot\"") < 0) {
        int read = socket.getInputStream().read(chunk);
        assertThat(read).as("server closed early: %s", seen).isPositive();
        seen.append(new String(chunk, 0, read, StandardCharsets.ISO_8859_1));
      }
      int open = hub.connections().size();
      // from here on the client reads nothing: the socket buffers fill, then the connection's queue
      topics.bigAlerts(p, 600, 16 * 1024);
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      byte[] ping =
          maskedText("{\"type\":\"ping\"}"); // writing still works: keeps the idle reaper away
      while (metrics.slowClientCloses.count() == closesBefore && System.nanoTime() < deadline) {
        socket.getOutputStream().write(ping);
        Thread.sleep(100);
      }
      assertThat(metrics.slowClientCloses.count()).isEqualTo(closesBefore + 1);
      while (hub.connections().size() >= open
          && System.nanoTime()
              < deadline + io.vitalflow.dashboard.push.transport.Connection.CLOSE_GRACE.toNanos()) {
        Thread.sleep(100);
      }
      assertThat(hub.connections()).hasSize(open - 1);
    }
  }

  @Test
  void anSseClientThatStopsReadingIsClosedLikeAWebSocketOne() throws Exception {
    String p = patient();
    PushMetrics metrics = app.getBean(PushMetrics.class);
    Hub hub = app.getBean(Hub.class);
    io.vitalflow.web.RequestGate gate = app.getBean(io.vitalflow.web.RequestGate.class);
    double closesBefore = metrics.slowClientCloses.count();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      String[] hostPort = base.split(":");
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/dashboard/events?patients="
                      + p
                      + " HTTP/1.1\r\nHost: "
                      + base
                      + "\r\nAccept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      StringBuilder seen = new StringBuilder();
      byte[] chunk = new byte[256];
      while (seen.indexOf("\"type\":\"snapshot\"") < 0) {
        int read = socket.getInputStream().read(chunk);
        assertThat(read).as("server closed early: %s", seen).isPositive();
        seen.append(new String(chunk, 0, read, StandardCharsets.ISO_8859_1));
      }
      int open = hub.connections().size();
      long connections = gate.connections();
      // from here on the client reads nothing: the socket buffers fill, then the connection's queue
      topics.bigAlerts(p, 600, 16 * 1024);
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      while (metrics.slowClientCloses.count() == closesBefore && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(metrics.slowClientCloses.count()).isEqualTo(closesBefore + 1);
      // the TCP connection itself is closed (within the close grace), not only forgotten by the hub
      long closedBy =
          System.nanoTime()
              + io.vitalflow.dashboard.push.transport.Connection.CLOSE_GRACE
                  .plusSeconds(5)
                  .toNanos();
      while ((hub.connections().size() >= open || gate.connections() >= connections)
          && System.nanoTime() < closedBy) {
        Thread.sleep(100);
      }
      assertThat(hub.connections()).hasSize(open - 1);
      assertThat(gate.connections()).isLessThan(connections);
      socket.setSoTimeout(5000);
      byte[] drain = new byte[64 * 1024];
      try {
        while (socket.getInputStream().read(drain) >= 0) {
          // what the socket buffers held, then the end of the stream
        }
      } catch (java.net.SocketException reset) {
        // reset: closed as well
      }
    }
  }

  @Test
  void anSseStreamOutlivesTheKeepAliveIdleTimeout() {
    try (SseClient sse = new SseClient(webClient, "/api/v1/dashboard/events", null)) {
      sse.received.await("heartbeat");
      long start = System.nanoTime();
      int heartbeats = 0;
      while (System.nanoTime() - start < Duration.ofMillis(3500).toNanos()) {
        sse.received.await(
            "heartbeat"); // one a second, on a connection idle (from the client) for 1 s each time
        heartbeats++;
      }
      assertThat(heartbeats).isGreaterThanOrEqualTo(3);
    }
  }

  /** A client-to-server text frame (clients must mask; a zero mask leaves the payload as it is). */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }

  @Test
  void metricsCountConnectionsAndFrames() {
    try (WsClient client = ws("")) {
      client.received.next("subscribed");
      http.get()
          .uri("/actuator/prometheus")
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody(String.class)
          .value(
              body ->
                  assertThat(body)
                      .containsPattern(
                          "vitalflow_dashboard_connections\\{[^}]*transport=\"websocket\"[^}]*\\} [1-9]")
                      .contains("vitalflow_dashboard_frames_sent_total")
                      .contains("vitalflow_dashboard_slow_client_closes_total"));
      http.get()
          .uri("/actuator/health")
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.components.dashboardFeed.details.feed")
          .isEqualTo("live");
    }
  }
}
