package io.vitalflow.platform.ops;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (the Debian package's binary) scraping the given services every second, with a
 * bearer token as a deployment's Prometheus would (the actuator needs {@code vitalflow/ops}), and
 * the rules of {@code ops/prometheus/alerts.yml} loaded. For tests; stopped on {@link #close()}.
 */
public final class PrometheusServer implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  /** Starts Prometheus on a free local port and waits until it is ready. */
  public static PrometheusServer start(
      Path binary, Path dir, Map<String, URI> services, String token) throws Exception {
    Files.createDirectories(dir);
    Files.copy(OpsFiles.alertRules(), dir.resolve("alerts.yml"));
    StringBuilder config =
        new StringBuilder(
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [alerts.yml]
            scrape_configs:
            """);
    services.forEach(
        (name, uri) ->
            config
                .append("  - job_name: ")
                .append(name)
                .append("\n    metrics_path: /actuator/prometheus\n")
                .append("    authorization: {type: Bearer, credentials: '")
                .append(token)
                .append("'}\n    static_configs: [{targets: ['")
                .append(uri.getHost())
                .append(':')
                .append(uri.getPort())
                .append("']}]\n"));
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!server.ready()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        server.close();
        throw new IllegalStateException(
            "Prometheus did not start: " + Files.readString(dir.resolve("prometheus.log")));
      }
      Thread.sleep(200);
    }
    return server;
  }

  private boolean ready() {
    try {
      return http.send(
                  HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs an instant query: {@code ""} when it returned at least one series, {@code null} when it
   * returned none, else the error Prometheus gave.
   */
  public String query(String expression) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    base.resolve(
                        "/api/v1/query?query="
                            + URLEncoder.encode(expression, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asString())) {
      return body.path("errorType").asString() + ": " + body.path("error").asString();
    }
    return body.path("data").path("result").isEmpty() ? null : "";
  }

  /** The rules' health as Prometheus evaluates them ({@code /api/v1/rules}): the raw JSON. */
  public JsonNode rules() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/rules")).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
