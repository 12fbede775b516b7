package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.TestIssuer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The resource server every service shares, against tokens signed by a real key and verified
 * through a JWKS fetched over HTTP: what passes, what is refused and how the refusal reads.
 */
class ResourceServerTest {

  private static TestIssuer issuer;
  private static ConfigurableApplicationContext app;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    issuer = new TestIssuer();
    app =
        SecuredApp.start(
            "--vitalflow.security.enabled=true",
            "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer.issuer());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static HttpResponse<String> get(ConfigurableApplicationContext context, String path, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SecuredApp.port(context) + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return get(app, path, token);
  }

  private static HttpResponse<String> withAuthorization(String path, String authorization)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SecuredApp.port(app) + path))
            .header("Authorization", authorization)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aValidTokenReachesTheEndpointWithItsCaller() throws Exception {
    String token =
        issuer.token(
            c ->
                c.subject("nurse-a")
                    .claim("client_id", "vitalflow-ward")
                    .claim("scope", List.of("user/Observation.rs", "openid"))
                    .claim("wards", List.of("ward-b", "ward-a")));

    HttpResponse<String> response = get("/api/whoami", token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("nurse-a|vitalflow-ward|-|ward-a,ward-b|true");
  }

  @Test
  void aPatientContextTokenCarriesItsPatient() throws Exception {
    String token =
        issuer.token(
            c ->
                c.claim("scope", "patient/Observation.rs launch/patient")
                    .claim("patient", "sim-1"));

    HttpResponse<String> response = get("/api/whoami", token);

    assertThat(response.body()).isEqualTo("test-client|test-client|sim-1||true");
  }

  @Test
  void withoutATokenTheAnswerIs401WithABearerChallengeAndProblemDetails() throws Exception {
    HttpResponse<String> response = get("/api/whoami", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("\"status\":401").contains("needs a bearer token");
  }

  @Test
  void tokensThatDoNotVerifyAre401InvalidToken() throws Exception {
    Instant now = Instant.now();
    List<String> refused =
        List.of(
            issuer.token(c -> c.expirationTime(Date.from(now.minusSeconds(60)))),
            issuer.token(
                c ->
                    c.notBeforeTime(Date.from(now.plusSeconds(60)))
                        .issueTime(Date.from(now.plusSeconds(60)))),
            issuer.token(c -> c.issuer("http://127.0.0.1:1/other")),
            issuer.token(c -> c.audience("someone-else")),
            issuer.token(c -> c.expirationTime(null)),
            issuer.forged("system/*.rs"),
            issuer.unsigned("system/*.rs"),
            issuer.hmac("system/*.rs"),
            "not-a-jwt");
    for (String token : refused) {
      HttpResponse<String> response = get("/api/whoami", token);
      assertThat(response.statusCode()).as(token).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("Bearer error=\"invalid_token\"");
      assertThat(response.body()).doesNotContain(token).doesNotContain("An error occurred");
    }
  }

  @Test
  void expiryWithinTheClockSkewIsAccepted() throws Exception {
    Instant now = Instant.now();
    String token =
        issuer.token(
            c ->
                c.issueTime(Date.from(now.minusSeconds(300)))
                    .notBeforeTime(Date.from(now.minusSeconds(300)))
                    .expirationTime(Date.from(now.minusSeconds(2))));

    HttpResponse<String> response = get("/api/whoami", token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void withoutATokenAnOpenPathSeesTheAnonymousCallerAllowedNothing() throws Exception {
    HttpResponse<String> response = get("/open/whoami", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("anonymous|anonymous|-||false");
  }

  @Test
  void aTokenSignedWithARotatedKeyVerifiesAfterTheJwksIsFetchedAgain() throws Exception {
    assertThat(get("/api/whoami", issuer.token("system/*.rs")).statusCode()).isEqualTo(200);
    int fetches = issuer.jwksFetches.get();

    issuer.rotate();

    assertThat(get("/api/whoami", issuer.token("system/*.rs")).statusCode()).isEqualTo(200);
    assertThat(issuer.jwksFetches.get()).isGreaterThan(fetches);
  }

  @Test
  void healthAndPublicPathsAreOpenTheRestOfTheActuatorNeedsTheOpsScope() throws Exception {
    assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    assertThat(get("/open/ping", null).body()).isEqualTo("pong");

    assertThat(get("/actuator/metrics", null).statusCode()).isEqualTo(401);
    HttpResponse<String> clinical = get("/actuator/metrics", issuer.token("user/*.cruds"));
    assertThat(clinical.statusCode()).isEqualTo(403);
    assertThat(clinical.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer error=\"insufficient_scope\"");
    assertThat(clinical.body()).contains("\"status\":403");
    assertThat(get("/actuator/metrics", issuer.token("vitalflow/ops")).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenSentAlongToAnOpenPathIsNotReadThere() throws Exception {
    String expired =
        issuer.token(
            c ->
                c.issueTime(Date.from(Instant.now().minusSeconds(900)))
                    .expirationTime(Date.from(Instant.now().minusSeconds(600))));

    assertThat(get("/open/ping", expired).body()).isEqualTo("pong");
    assertThat(get("/open/ping", issuer.forged("system/*.rs")).body()).isEqualTo("pong");
    assertThat(get("/actuator/health", "not-a-jwt").statusCode()).isEqualTo(200);
    assertThat(get("/api/whoami", expired).statusCode()).isEqualTo(401);
  }

  @Test
  void theBearerSchemeIsReadInAnyCaseAndOtherSchemesAreNoToken() throws Exception {
    String token = issuer.token("system/*.rs");

    assertThat(withAuthorization("/api/whoami", "bEaReR " + token).statusCode()).isEqualTo(200);
    HttpResponse<String> basic = withAuthorization("/api/whoami", "Basic dXNlcjpwYXNz");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void aMalformedBearerHeaderIs401InvalidToken() throws Exception {
    String token = issuer.token("system/*.rs");
    for (String header :
        List.of("Bearer", "Bearer ", "Bearer  " + token, "Bearer " + token + " x", "Bearer a=b")) {
      HttpResponse<String> response = withAuthorization("/api/whoami", header);
      assertThat(response.statusCode()).as(header).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
          .as(header)
          .startsWith("Bearer error=\"invalid_token\"")
          .contains("malformed");
    }
  }

  @Test
  void answersAndRefusalsCarryTheSecurityHeaders() throws Exception {
    for (HttpResponse<String> response :
        List.of(
            get("/api/whoami", issuer.token("system/*.rs")),
            get("/api/whoami", null),
            get("/open/ping", null))) {
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
    }
  }

  @Test
  void theFirewallStillRefusesControlCharactersInTheHeadersItReads() throws Exception {
    String token = issuer.token("system/*.rs");

    assertThat(rawStatus("Bearer " + token)).isEqualTo(200);
    // not printable ASCII: the firewall's own rule decides (assigned, not a control character)
    assertThat(rawStatus("Bearer caf\u00e9")).isEqualTo(401);
    assertThat(rawStatus("Bearer a\u007fb")).isEqualTo(400);
    assertThat(rawStatus("Bearer a\u0085b")).isEqualTo(400);
  }

  /** The status of GET /api/whoami with this Authorization, sent byte for byte (ISO-8859-1). */
  private static int rawStatus(String authorization) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", SecuredApp.port(app))) {
      String request =
          "GET /api/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
              + authorization
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
