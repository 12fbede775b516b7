package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.auth.AuthFiles;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vitalflow start} runs the local authorization server first and every service trusts it:
 * without a token a service answers 401, with one from {@code ./vitalflow token} it serves, and the
 * device simulator sends with the gateway's token.
 */
class LocalPlatformAuthTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theServicesTrustTheLauncherOwnAuthorizationServer(@TempDir Path dataDir) throws Exception {
    String before = System.getProperty("vitalflow.security.enabled");
    System.setProperty("vitalflow.security.enabled", "true");
    try (LocalPlatform platform = start(dataDir)) {
      int auth = platform.ports.get("auth");
      assertThat(platform.issuer).isEqualTo("http://127.0.0.1:" + auth);
      assertThat(AuthFiles.read(dataDir.resolve("auth"), AuthFiles.URL)).contains(platform.issuer);

      URI vitals =
          URI.create("http://127.0.0.1:" + platform.ports.get("ingest") + "/api/v1/vitals");
      assertThat(post(vitals, null).statusCode()).isEqualTo(401);

      String token = token(dataDir, "--scope=system/Observation.c");
      HttpResponse<String> withToken = post(vitals, token);
      assertThat(withToken.statusCode()).as(withToken.body()).isNotIn(401, 403);

      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (platform.simulator.sent() == 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertThat(platform.simulator.sent()).as("readings the simulator got accepted").isPositive();
    } finally {
      if (before == null) {
        System.clearProperty("vitalflow.security.enabled");
      } else {
        System.setProperty("vitalflow.security.enabled", before);
      }
    }
    assertThat(AuthFiles.read(dataDir.resolve("auth"), AuthFiles.URL))
        .as("a stopped platform's URL is gone")
        .isEmpty();
  }

  private HttpResponse<String> post(URI uri, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-ndjson")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"patientId\":\"p-1\",\"deviceId\":\"d-1\",\"type\":\"HEART_RATE\","
                        + "\"value\":72,\"unit\":\"/min\",\"timestamp\":\""
                        + Instant.now()
                        + "\"}\n"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String token(Path dataDir, String... flags) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = new String[flags.length + 2];
    args[0] = "token";
    args[1] = "--data-dir=" + dataDir;
    System.arraycopy(flags, 0, args, 2, flags.length);
    int code =
        Vitalflow.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).strip();
  }

  private static LocalPlatform start(Path dataDir) {
    LocalStack stack = LocalStack.shared();
    PostgresCoordinates database = stack.freshDatabase("platform_auth");
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", dataDir.toString());
    flags.put("services", "ingest");
    flags.put("patients", "2");
    flags.put("interval", "1s");
    flags.put("ingest-port", "0");
    flags.put("auth-port", "0");
    flags.put("kafka", stack.kafkaBootstrap());
    flags.put("jdbc-url", database.jdbcUrl());
    flags.put("jdbc-user", database.user());
    flags.put("jdbc-password", database.password());
    LocalPlatform platform = new LocalPlatform(flags);
    platform.start();
    return platform;
  }
}
