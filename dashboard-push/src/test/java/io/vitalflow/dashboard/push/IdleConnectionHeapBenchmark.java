package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;

/**
 * Heap per idle WebSocket connection, as in docs/benchmarks.md ("Live dashboards", live-object
 * class histogram before and after, divided by the number of connections), with security on: every
 * connection opens with its own user token (its own {@code Caller}), subscribed to 10 patients of
 * the user's ward. The service runs in its own JVM so that the histogram holds only the server's
 * objects. A benchmark, not a test: run with {@code -Dvitalflow.benchmark.connections=5000} (and
 * {@code -Dvitalflow.benchmark.security=false} for the same without tokens).
 */
@EnabledIfSystemProperty(named = "vitalflow.benchmark.connections", matches = "\\d+")
class IdleConnectionHeapBenchmark {

  @Test
  void heapPerIdleConnection() throws Exception {
    int connections = Integer.getInteger("vitalflow.benchmark.connections");
    boolean secured = !"false".equals(System.getProperty("vitalflow.benchmark.security"));
    LocalStack stack = LocalStack.shared();
    TestIssuer issuer = TestIssuer.shared();
    PostgresCoordinates database = stack.freshDatabase("dashboard_push");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-cp",
                System.getProperty("java.class.path"),
                DashboardPushApplication.class.getName(),
                "--server.port=" + port,
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + stack.freshTopicPrefix(),
                "--vitalflow.dashboard.heartbeat-interval=60s",
                "--vitalflow.http.max-connections=" + (connections + 100)));
    if (secured) {
      command.addAll(List.of(issuer.serviceArgs()));
    } else {
      command.add("--vitalflow.security.enabled=false");
    }
    Path log = Files.createTempFile("dashboard-heap", ".log");
    Process server =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    List<Disposable> open = new ArrayList<>();
    ConnectionProvider pool = ConnectionProvider.newConnection();
    try {
      String http = "http://127.0.0.1:" + port;
      awaitHealth(http, server, log);
      String ward = "w-bench";
      List<String> patients = new ArrayList<>();
      String admin = issuer.token("vitalflow/wards.admin");
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 10; i++) {
        String patient = "bench-" + i;
        patients.add(patient);
        HttpResponse<String> put =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(http + "/api/v1/wards/" + ward + "/patients/" + patient))
                    .header("Authorization", "Bearer " + admin)
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(204);
      }
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        tokens.add(
            secured ? issuer.userToken("nurse-" + i, List.of(ward), "user/Observation.rs") : null);
      }
      Thread.sleep(2_000);
      Map<String, long[]> before = histogram(server.pid());
      String url =
          "ws://127.0.0.1:"
              + port
              + WebSocketEndpoint.PATH
              + "?patients="
              + String.join(",", patients);
      CountDownLatch snapshots = new CountDownLatch(connections);
      reactor.netty.http.client.HttpClient ws = reactor.netty.http.client.HttpClient.create(pool);
      for (int i = 0; i < connections; i++) {
        String token = tokens.get(i);
        open.add(
            ws.headers(
                    h -> {
                      if (token != null) {
                        h.set("Authorization", "Bearer " + token);
                      }
                    })
                .websocket(WebsocketClientSpec.builder().build())
                .uri(url)
                .handle(
                    (in, out) ->
                        in.receive()
                            .asString(StandardCharsets.UTF_8)
                            .doOnNext(
                                text -> {
                                  if (text.contains("\"type\":\"snapshot\"")) {
                                    snapshots.countDown();
                                  }
                                })
                            .thenMany(Flux.<Void>never()))
                .subscribe());
        if (i % 200 == 199) {
          Thread.sleep(100);
        }
      }
      assertThat(snapshots.await(5, TimeUnit.MINUTES))
          .as("all %d connections subscribed (server log %s)", connections, log)
          .isTrue();
      tokens.clear();
      Thread.sleep(3_000);
      Map<String, long[]> held = histogram(server.pid());
      long total = held.get("Total")[1] - before.get("Total")[1];
      System.out.printf(
          "%n%s, %d idle connections: live heap %.1f -> %.1f MB, %.0f bytes per connection%n",
          secured ? "security on (own user token each)" : "security off",
          connections,
          before.get("Total")[1] / 1e6,
          held.get("Total")[1] / 1e6,
          (double) total / connections);
      List<Map.Entry<String, Long>> growth = new ArrayList<>();
      held.forEach(
          (name, counts) -> {
            long[] was = before.getOrDefault(name, new long[2]);
            growth.add(Map.entry(name, counts[1] - was[1]));
          });
      growth.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
      for (Map.Entry<String, Long> entry : growth.subList(1, Math.min(25, growth.size()))) {
        System.out.printf(
            "  %8.1f B  %s%n", (double) entry.getValue() / connections, entry.getKey());
      }
      assertThat((double) total / connections).isLessThanOrEqualTo(6 * 1024);
    } finally {
      open.forEach(Disposable::dispose);
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      pool.dispose();
    }
  }

  private static void awaitHealth(String base, Process server, Path log) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("the service ended: " + Files.readString(log));
      }
      try {
        HttpResponse<String> health =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/health/liveness")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the service did not start within 120 s; log " + log);
  }

  /** {@code jmap -histo:live} (a full GC first): class name → {instances, bytes}; "Total" too. */
  private static Map<String, long[]> histogram(long pid) throws Exception {
    Process jmap =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jmap").toString(),
                "-histo:live",
                Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    String output = new String(jmap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jmap.waitFor();
    Map<String, long[]> classes = new HashMap<>();
    for (String line : output.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 4 && parts[0].endsWith(":")) {
        classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
      } else if (parts.length == 3 && parts[0].equals("Total")) {
        classes.put("Total", new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
      }
    }
    assertThat(classes).as("jmap output: %s", output).containsKey("Total");
    return classes;
  }
}
