package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Each limit of {@link HttpLimits} against a real Reactor Netty server, with plain sockets as
 * clients.
 */
class HttpLimitsTest {

  private ConfigurableApplicationContext app;
  private final List<RawHttp> clients = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (RawHttp client : clients) {
      client.close();
    }
    if (app != null) {
      app.close();
    }
  }

  private int start(String... settings) {
    app = LimitsTestApp.start(settings);
    return LimitsTestApp.port(app);
  }

  private RawHttp client(int port, String source) throws IOException {
    RawHttp client = RawHttp.connect(port, source);
    clients.add(client);
    return client;
  }

  private RequestGate gate() {
    return app.getBean(RequestGate.class);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aHeadSentByteByByteIsCutOffAtTheHeaderTimeout() throws Exception {
    int port =
        start("--vitalflow.http.request-header-timeout=1s", "--vitalflow.http.idle-timeout=30s");
    RawHttp slow = client(port, "127.0.0.1");
    long start = System.nanoTime();
    slow.send("GET /api/hello HTTP/1.1\r\n");
    boolean closed = false;
    for (int i = 0;
        i < 40 && !closed;
        i++) { // a header line every 100 ms: never idle, never complete
      Thread.sleep(100);
      try {
        slow.send("X-Slow-" + i + ": a\r\n");
      } catch (IOException e) {
        closed = true;
      }
    }
    long tookMillis =
        (System.nanoTime() - start) / 1_000_000 + Math.max(0, slow.millisUntilClosed(2000));
    assertThat(tookMillis).isBetween(900L, 2500L);
    assertThat(app.getBean(RequestGate.class).connections()).isLessThanOrEqualTo(1);

    // a normal client is served meanwhile and afterwards
    RawHttp normal = client(port, "127.0.0.1").send(RawHttp.get("/api/hello"));
    assertThat(normal.response().body()).isEqualTo("hello");
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    int port =
        start("--vitalflow.http.idle-timeout=1s", "--vitalflow.http.request-header-timeout=5s");
    RawHttp client = client(port, "127.0.0.1").send(RawHttp.get("/api/hello"));
    assertThat(client.response().status()).isEqualTo(200);
    long closedAfter = client.millisUntilClosed(4000);
    assertThat(closedAfter).isBetween(800L, 2000L);
    await(() -> gate().connections() == 0);

    RawHttp silent = client(port, "127.0.0.1"); // connects and never sends a byte
    assertThat(silent.millisUntilClosed(4000)).isBetween(800L, 2000L);
  }

  @Test
  void connectionsOverTheLimitGet503WithRetryAfterAndTheCountComesBack() throws Exception {
    int port =
        start(
            "--vitalflow.http.max-connections=4",
            "--vitalflow.http.max-connections-per-address=0",
            "--vitalflow.http.retry-after=7s");
    List<RawHttp> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(client(port, "127.0.0.1"));
    }
    await(() -> gate().connections() == 4);

    RawHttp extra = client(port, "127.0.0.1").send(RawHttp.get("/api/hello"));
    RawHttp.Response refused = extra.response();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.headers())
        .containsEntry("retry-after", "7")
        .containsEntry("connection", "close")
        .containsEntry("content-type", "application/problem+json");
    assertThat(refused.body())
        .contains("\"status\":503", "too many open connections", "\"instance\":\"/api/hello\"");
    assertThat(extra.millisUntilClosed(2000)).isNotNegative();

    // the held connections are served normally
    held.get(0).send(RawHttp.get("/api/hello"));
    assertThat(held.get(0).response().status()).isEqualTo(200);

    for (RawHttp client : held) {
      client.close();
    }
    await(() -> gate().connections() == 0);
    RawHttp later = client(port, "127.0.0.1").send(RawHttp.get("/api/hello"));
    assertThat(later.response().status()).isEqualTo(200);
  }

  @Test
  void pastTheAnsweredOverflowNewConnectionsAreClosedAtOnce() throws Exception {
    int port =
        start(
            "--vitalflow.http.max-connections=2", "--vitalflow.http.max-connections-per-address=0");
    for (int i = 0; i < 2 + 16; i++) { // the limit, then the overflow that still gets its 503
      client(port, "127.0.0.1");
    }
    await(() -> gate().connections() == 18);
    RawHttp refused = client(port, "127.0.0.1");
    assertThat(refused.millisUntilClosed(2000))
        .as("closed without waiting for a request")
        .isBetween(0L, 1000L);
    await(() -> gate().connections() == 18);
  }

  @Test
  void aBodyWithoutLengthThatOutgrowsTheBudgetIsCutOff() throws Exception {
    int port =
        start(
            "--vitalflow.http.max-in-flight-request-bytes=1MB",
            "--vitalflow.http.max-in-flight-request-bytes-per-address=64KB");
    RawHttp chunked =
        client(port, "127.0.0.2")
            .send(
                "POST /api/upload HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    boolean cut = false;
    for (int i = 0; i < 20 && !cut; i++) { // 20 chunks of 8 KB: more than 64 KB
      try {
        chunked.send("2000\r\n").send(new byte[8192]).send("\r\n");
        Thread.sleep(20);
      } catch (IOException e) {
        cut = true;
      }
    }
    assertThat(cut || chunked.millisUntilClosed(2000) >= 0).isTrue();
    await(() -> gate().inFlightBytes() == 0);
    RawHttp other =
        client(port, "127.0.0.1").send(RawHttp.postHead("/api/upload", 5)).send("hello");
    assertThat(other.response().body()).isEqualTo("5");
  }

  @Test
  void oneAddressCannotTakeEveryConnection() throws Exception {
    int port =
        start(
            "--vitalflow.http.max-connections=100",
            "--vitalflow.http.max-connections-per-address=2");
    client(port, "127.0.0.2");
    client(port, "127.0.0.2");
    await(() -> gate().connections() == 2);
    RawHttp third = client(port, "127.0.0.2").send(RawHttp.get("/api/hello"));
    assertThat(third.response().status()).isEqualTo(503);

    RawHttp other = client(port, "127.0.0.1").send(RawHttp.get("/api/hello"));
    assertThat(other.response().status()).isEqualTo(200);
  }

  @Test
  void slowBodiesBeyondTheInFlightBudgetGet503WhileANormalRequestSucceeds() throws Exception {
    int port =
        start(
            "--vitalflow.http.max-in-flight-request-bytes=1MB",
            "--vitalflow.http.max-in-flight-request-bytes-per-address=512KB",
            "--vitalflow.http.body-read-timeout=2s",
            "--vitalflow.http.request-timeout=30s",
            "--vitalflow.http.retry-after=3s");
    int size = 300 * 1024;
    // one 300 KB body per address fits the per-address budget; three of them fit the service's
    // budget
    List<RawHttp> slow = new ArrayList<>();
    for (String source : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      slow.add(
          client(port, source).send(RawHttp.postHead("/api/upload", size)).send(new byte[1024]));
    }
    await(() -> gate().inFlightBytes() == 3L * size);

    RawHttp secondFromSameAddress =
        client(port, "127.0.0.2").send(RawHttp.postHead("/api/upload", size)).send(new byte[1024]);
    RawHttp.Response perAddress = secondFromSameAddress.response();
    assertThat(perAddress.status()).isEqualTo(503);
    assertThat(perAddress.headers()).containsEntry("retry-after", "3");
    assertThat(perAddress.body()).contains("from this client");

    RawHttp fourthAddress =
        client(port, "127.0.0.5").send(RawHttp.postHead("/api/upload", size)).send(new byte[1024]);
    RawHttp.Response total = fourthAddress.response();
    assertThat(total.status()).isEqualTo(503);
    assertThat(total.headers()).containsEntry("retry-after", "3");
    assertThat(total.body()).contains("too many request bodies at once");

    // a normal batch beside the stalled ones is served, and gives its bytes back
    byte[] normal = new byte[10 * 1024];
    RawHttp client =
        client(port, "127.0.0.1").send(RawHttp.postHead("/api/upload", normal.length)).send(normal);
    RawHttp.Response ok = client.response();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(Integer.toString(normal.length));
    assertThat(gate().inFlightBytes()).isEqualTo(3L * size);

    // the stalled bodies run into the body read timeout (408); their reservations come back
    for (RawHttp stalled : slow) {
      assertThat(stalled.response().status()).isEqualTo(408);
      assertThat(stalled.millisUntilClosed(5000)).isNotNegative();
    }
    await(() -> gate().inFlightBytes() == 0);
  }

  @Test
  void aBodyTrickledFasterThanTheReadTimeoutEndsAtTheRequestTimeout() throws Exception {
    int port =
        start("--vitalflow.http.body-read-timeout=1s", "--vitalflow.http.request-timeout=2s");
    RawHttp client = client(port, "127.0.0.1").send(RawHttp.postHead("/api/upload", 100_000));
    long start = System.nanoTime();
    boolean closed = false;
    for (int i = 0; i < 60 && !closed; i++) {
      Thread.sleep(100);
      try {
        client.send(new byte[10]);
      } catch (IOException e) {
        closed = true;
      }
    }
    RawHttp.Response timedOut = client.response();
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(timedOut.status()).isEqualTo(408);
    assertThat(timedOut.headers()).containsEntry("content-type", "application/problem+json");
    assertThat(tookMillis).isBetween(1800L, 4000L);
    assertThat(client.millisUntilClosed(2000)).isNotNegative();
    await(() -> gate().inFlightBytes() == 0);
  }

  @Test
  void aStreamedResponseOutlivesEveryTimeout() throws Exception {
    int port =
        start(
            "--vitalflow.http.idle-timeout=1s",
            "--vitalflow.http.request-header-timeout=1s",
            "--vitalflow.http.body-read-timeout=1s",
            "--vitalflow.http.request-timeout=1s");
    RawHttp client = client(port, "127.0.0.1").send(RawHttp.get("/api/stream"));
    long start = System.nanoTime();
    RawHttp.Response stream = client.response();
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.body()).contains("tick 0", "tick 14");
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(2500L);
  }

  @Test
  void aLargerBodyThanTheBudgetOfOneAddressIsASettingsError() {
    HttpLimits limits = HttpLimits.defaults();
    limits.requireRoomFor(4 * 1024 * 1024, "vitalflow.ingest.max-body-size");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> limits.requireRoomFor(64L * 1024 * 1024, "vitalflow.fhir.max-bundle-bytes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vitalflow.fhir.max-bundle-bytes");
  }
}
