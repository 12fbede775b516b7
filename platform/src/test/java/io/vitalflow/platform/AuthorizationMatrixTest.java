package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vitalflow.auth.LocalAuthServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorization matrix: every endpoint of every service × the tokens a client may present, with
 * real tokens of the real local authorization server ({@link LocalAuthServer}; the broken ones
 * signed with its key by {@link LocalAuthServer#sign}, or forged), against all services running
 * with security on.
 *
 * <p>Each endpoint is a row of {@link Endpoint}: the request, the scopes that allow it, scopes that
 * do not, and the patient it concerns. Each has two tests: the token's validity ({@link
 * ValidityRows}: no token → 401 with a Bearer challenge; expired, not yet valid, wrong issuer,
 * wrong audience, bad signature, {@code alg: none} → 401 {@code invalid_token}; a token of a key
 * that rotated after the service fetched the JWK set → served; the right scope → served) and its
 * scopes ({@link ScopeRows}: too narrow a scope → 403; another patient's context → 403, 404, or
 * nothing of this patient).
 */
class AuthorizationMatrixTest {

  /** The tokens of the matrix's columns. */
  enum Token {
    NONE,
    EXPIRED,
    NOT_YET_VALID,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    BAD_SIGNATURE,
    ALG_NONE,
    ROTATED_KEY,
    RIGHT_SCOPE,
    INSUFFICIENT_SCOPE,
    OTHER_PATIENT
  }

  /** The validity columns: the token itself (plus the right scope, for contrast). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Token.class,
      names = {
        "NONE",
        "EXPIRED",
        "NOT_YET_VALID",
        "WRONG_ISSUER",
        "WRONG_AUDIENCE",
        "BAD_SIGNATURE",
        "ALG_NONE",
        "ROTATED_KEY",
        "RIGHT_SCOPE"
      })
  @interface ValidityRows {}

  /** The scope columns: a valid token that does not cover the request. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Token.class,
      names = {"INSUFFICIENT_SCOPE", "OTHER_PATIENT"})
  @interface ScopeRows {}

  /** Which service answers. */
  enum Service {
    INGEST,
    FHIR,
    DASHBOARD,
    PROCESSOR
  }

  /** How the request is made. */
  enum Kind {
    HTTP,
    SSE,
    WEBSOCKET
  }

  static final String PATIENT = "matrix-a";
  static final String OTHER = "matrix-b";
  static final String FHIR_JSON = "application/fhir+json";

  /**
   * The rows. {@code path} may hold {@code {fresh}}: a Patient created just before the request (for
   * deletes). {@code ok}: the statuses of a served request.
   */
  enum Endpoint {
    INGEST_VITALS(
        Service.INGEST,
        "POST",
        "/api/v1/vitals",
        "application/x-ndjson",
        reading(PATIENT),
        "system/Observation.c",
        "system/Observation.rs",
        200),
    FHIR_READ(
        Service.FHIR,
        "GET",
        "/fhir/Patient/" + PATIENT,
        null,
        null,
        "system/Patient.r",
        "system/Observation.r",
        200),
    FHIR_VREAD(
        Service.FHIR,
        "GET",
        "/fhir/Patient/" + PATIENT + "/_history/1",
        null,
        null,
        "system/Patient.r",
        "system/Patient.s",
        200),
    FHIR_SEARCH(
        Service.FHIR,
        "GET",
        "/fhir/Observation?patient=" + PATIENT,
        null,
        null,
        "system/Observation.s",
        "system/Patient.s",
        200),
    FHIR_HISTORY(
        Service.FHIR,
        "GET",
        "/fhir/Patient/" + PATIENT + "/_history",
        null,
        null,
        "system/Patient.rs",
        "system/Observation.rs",
        200),
    FHIR_CREATE(
        Service.FHIR,
        "POST",
        "/fhir/Observation",
        FHIR_JSON,
        observation(PATIENT),
        "system/Observation.c",
        "system/Observation.rs",
        201),
    FHIR_UPDATE(
        Service.FHIR,
        "PUT",
        "/fhir/Patient/" + PATIENT,
        FHIR_JSON,
        patient(PATIENT),
        "system/Patient.u",
        "system/Patient.rs",
        200),
    FHIR_DELETE(
        Service.FHIR,
        "DELETE",
        "/fhir/Patient/{fresh}",
        null,
        null,
        "system/Patient.d",
        "system/Patient.rs",
        200,
        204),
    FHIR_TRANSACTION(
        Service.FHIR,
        "POST",
        "/fhir",
        FHIR_JSON,
        transaction(PATIENT),
        "system/Patient.cu",
        "system/Patient.rs",
        200),
    FHIR_LASTN(
        Service.FHIR,
        "GET",
        "/fhir/Observation/$lastn?patient=" + PATIENT,
        null,
        null,
        "system/Observation.rs",
        "system/Patient.rs",
        200),
    API_VITALS_LATEST(
        Service.FHIR,
        "GET",
        "/api/v1/patients/" + PATIENT + "/vitals/latest",
        null,
        null,
        "system/Observation.rs",
        "system/Patient.rs",
        200,
        404),
    CDS_HOOKS_CALL(
        Service.FHIR,
        "POST",
        "/cds-services/vitalflow-drug-interactions-select",
        "application/json",
        orderSelect(PATIENT),
        "system/*.rs",
        "system/Observation.c",
        200),
    DASHBOARD_WEBSOCKET(
        Service.DASHBOARD,
        Kind.WEBSOCKET,
        "/api/v1/dashboard/ws?patients=" + PATIENT,
        "system/Observation.rs",
        "system/Patient.rs"),
    DASHBOARD_SSE(
        Service.DASHBOARD,
        Kind.SSE,
        "/api/v1/dashboard/events?patients=" + PATIENT,
        "system/Observation.rs",
        "system/Patient.rs"),
    DASHBOARD_TICKETS(
        Service.DASHBOARD,
        "POST",
        "/api/v1/dashboard/tickets",
        "application/json",
        "{}",
        "system/Observation.rs",
        "system/Patient.rs",
        200),
    DASHBOARD_WARD_MOVE(
        Service.DASHBOARD,
        "PUT",
        "/api/v1/wards/ward-a/patients/" + PATIENT,
        null,
        null,
        "vitalflow/wards.admin",
        "system/Observation.rs",
        200,
        204),
    DASHBOARD_WARD_READ(
        Service.DASHBOARD,
        "GET",
        "/api/v1/wards/ward-a",
        null,
        null,
        "system/Observation.rs",
        "system/Patient.rs",
        200),
    /**
     * A control message (subscribe) to an event stream that {@code vitalflow-cli} opened with
     * {@code system/Observation.rs}.
     */
    DASHBOARD_SSE_MESSAGES(
        Service.DASHBOARD,
        "POST",
        "/api/v1/dashboard/connections/{connection}/messages",
        "application/json",
        "{\"type\":\"subscribe\",\"patients\":[\"" + PATIENT + "\"]}",
        "system/Observation.rs",
        "system/Patient.rs",
        202),
    INGEST_METRICS(Service.INGEST),
    FHIR_METRICS(Service.FHIR),
    DASHBOARD_METRICS(Service.DASHBOARD),
    PROCESSOR_METRICS(Service.PROCESSOR);

    final Service service;
    final Kind kind;
    final String method;
    final String path;
    final String contentType;
    final String body;
    final String scope;
    final String insufficientScope;
    final List<Integer> ok;

    Endpoint(
        Service service,
        String method,
        String path,
        String contentType,
        String body,
        String scope,
        String insufficientScope,
        Integer... ok) {
      this(service, Kind.HTTP, method, path, contentType, body, scope, insufficientScope, ok);
    }

    /** A stream (WebSocket or SSE): served means the stream opened. */
    Endpoint(Service service, Kind kind, String path, String scope, String insufficientScope) {
      this(service, kind, "GET", path, null, null, scope, insufficientScope, 200);
    }

    /**
     * The actuator's metrics (Prometheus, which every service exposes): {@code vitalflow/ops} only.
     */
    Endpoint(Service service) {
      this(
          service,
          Kind.HTTP,
          "GET",
          "/actuator/prometheus",
          null,
          null,
          "vitalflow/ops",
          "system/*.cruds",
          200);
    }

    Endpoint(
        Service service,
        Kind kind,
        String method,
        String path,
        String contentType,
        String body,
        String scope,
        String insufficientScope,
        Integer... ok) {
      this.service = service;
      this.kind = kind;
      this.method = method;
      this.path = path;
      this.contentType = contentType;
      this.body = body;
      this.scope = scope;
      this.insufficientScope = insufficientScope;
      this.ok = List.of(ok);
    }

    /** Whether a patient-context token may concern another patient here (FHIR, dashboards). */
    boolean aboutAPatient() {
      return path.contains(PATIENT) || body != null && body.contains(PATIENT);
    }
  }

  /** What came back: the status, the headers, the body (streams: none). */
  record Answer(int status, HttpHeaders headers, String body) {

    String challenge() {
      return headers.firstValue("WWW-Authenticate").orElse("");
    }
  }

  /**
   * Endpoints a patient-context token is served by: a connection ticket carries the patient's own
   * identity (what it may watch is checked when the ticket is used).
   */
  static final Set<Endpoint> OTHER_PATIENT_SERVED = EnumSet.of(Endpoint.DASHBOARD_TICKETS);

  /**
   * What an answer holds only when it read the patient's record: a served call shows it, a call
   * with another patient's context must not (it may still be answered, from the request alone).
   */
  static final Map<Endpoint, String> RECORD_MARKER = Map.of(Endpoint.CDS_HOOKS_CALL, "warfarin");

  private static RunningServices services;
  private static LocalAuthServer auth;
  private static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final AtomicInteger fresh = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    services = new RunningServices("authz").startAll().startDashboard();
    auth = services.auth;
    // the patients the rows are about, and a reading and an Observation of each
    String admin = auth.token("system/*.cruds");
    // an active warfarin order in PATIENT's record: a CDS call that reads it warns about the
    // ibuprofen draft
    expect(
        send(
            Service.FHIR,
            "POST",
            "/fhir/MedicationRequest",
            FHIR_JSON,
            """
            {"resourceType":"MedicationRequest","status":"active","intent":"order",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
               "code":"855332","display":"warfarin sodium 5 MG Oral Tablet"}],"text":"warfarin"},
             "subject":{"reference":"Patient/%s"}}"""
                .formatted(PATIENT),
            admin),
        201);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                send(
                        Service.FHIR,
                        "GET",
                        "/fhir/MedicationRequest?patient=" + PATIENT,
                        null,
                        null,
                        admin)
                    .body()
                    .contains("855332"));
    for (String patient : List.of(PATIENT, OTHER)) {
      expect(
          send(Service.FHIR, "PUT", "/fhir/Patient/" + patient, FHIR_JSON, patient(patient), admin),
          200,
          201);
      expect(
          send(Service.FHIR, "POST", "/fhir/Observation", FHIR_JSON, observation(patient), admin),
          201);
      expect(
          send(
              Service.INGEST,
              "POST",
              "/api/v1/vitals",
              "application/x-ndjson",
              reading(patient),
              admin),
          200);
    }
  }

  @AfterAll
  static void stop() {
    if (services != null) {
      services.close();
    }
  }

  // ---- ingest-gateway ----

  @ValidityRows
  void ingestVitals(Token token) throws Exception {
    check(Endpoint.INGEST_VITALS, token);
  }

  @ScopeRows
  void ingestVitalsScopes(Token token) throws Exception {
    check(Endpoint.INGEST_VITALS, token);
  }

  // ---- fhir-api ----

  @ValidityRows
  void fhirRead(Token token) throws Exception {
    check(Endpoint.FHIR_READ, token);
  }

  @ScopeRows
  void fhirReadScopes(Token token) throws Exception {
    check(Endpoint.FHIR_READ, token);
  }

  @ValidityRows
  void fhirVread(Token token) throws Exception {
    check(Endpoint.FHIR_VREAD, token);
  }

  @ScopeRows
  void fhirVreadScopes(Token token) throws Exception {
    check(Endpoint.FHIR_VREAD, token);
  }

  @ValidityRows
  void fhirSearch(Token token) throws Exception {
    check(Endpoint.FHIR_SEARCH, token);
  }

  @ScopeRows
  void fhirSearchScopes(Token token) throws Exception {
    check(Endpoint.FHIR_SEARCH, token);
  }

  @ValidityRows
  void fhirHistory(Token token) throws Exception {
    check(Endpoint.FHIR_HISTORY, token);
  }

  @ScopeRows
  void fhirHistoryScopes(Token token) throws Exception {
    check(Endpoint.FHIR_HISTORY, token);
  }

  @ValidityRows
  void fhirCreate(Token token) throws Exception {
    check(Endpoint.FHIR_CREATE, token);
  }

  @ScopeRows
  void fhirCreateScopes(Token token) throws Exception {
    check(Endpoint.FHIR_CREATE, token);
  }

  @ValidityRows
  void fhirUpdate(Token token) throws Exception {
    check(Endpoint.FHIR_UPDATE, token);
  }

  @ScopeRows
  void fhirUpdateScopes(Token token) throws Exception {
    check(Endpoint.FHIR_UPDATE, token);
  }

  @ValidityRows
  void fhirDelete(Token token) throws Exception {
    check(Endpoint.FHIR_DELETE, token);
  }

  @ScopeRows
  void fhirDeleteScopes(Token token) throws Exception {
    check(Endpoint.FHIR_DELETE, token);
  }

  @ValidityRows
  void fhirTransaction(Token token) throws Exception {
    check(Endpoint.FHIR_TRANSACTION, token);
  }

  @ScopeRows
  void fhirTransactionScopes(Token token) throws Exception {
    check(Endpoint.FHIR_TRANSACTION, token);
  }

  @ValidityRows
  void fhirLastn(Token token) throws Exception {
    check(Endpoint.FHIR_LASTN, token);
  }

  @ScopeRows
  void fhirLastnScopes(Token token) throws Exception {
    check(Endpoint.FHIR_LASTN, token);
  }

  @ValidityRows
  void apiVitalsLatest(Token token) throws Exception {
    check(Endpoint.API_VITALS_LATEST, token);
  }

  @ScopeRows
  void apiVitalsLatestScopes(Token token) throws Exception {
    check(Endpoint.API_VITALS_LATEST, token);
  }

  @ValidityRows
  void cdsHooksCall(Token token) throws Exception {
    check(Endpoint.CDS_HOOKS_CALL, token);
  }

  @ScopeRows
  void cdsHooksCallScopes(Token token) throws Exception {
    check(Endpoint.CDS_HOOKS_CALL, token);
  }

  // ---- dashboard-push ----

  @ValidityRows
  void dashboardWebSocket(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WEBSOCKET, token);
  }

  @ScopeRows
  void dashboardWebSocketScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WEBSOCKET, token);
  }

  @ValidityRows
  void dashboardSse(Token token) throws Exception {
    check(Endpoint.DASHBOARD_SSE, token);
  }

  @ScopeRows
  void dashboardSseScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_SSE, token);
  }

  @ValidityRows
  void dashboardTickets(Token token) throws Exception {
    check(Endpoint.DASHBOARD_TICKETS, token);
  }

  @ScopeRows
  void dashboardTicketsScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_TICKETS, token);
  }

  @ValidityRows
  void dashboardWardMove(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WARD_MOVE, token);
  }

  @ScopeRows
  void dashboardWardMoveScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WARD_MOVE, token);
  }

  @ValidityRows
  void dashboardWardRead(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WARD_READ, token);
  }

  @ScopeRows
  void dashboardWardReadScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_WARD_READ, token);
  }

  @ValidityRows
  void dashboardSseMessages(Token token) throws Exception {
    check(Endpoint.DASHBOARD_SSE_MESSAGES, token);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Token.class, names = "OTHER_PATIENT")
  void dashboardSseMessagesFromAnotherPrincipal(Token token) throws Exception {
    check(Endpoint.DASHBOARD_SSE_MESSAGES, token);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Token.class, names = "INSUFFICIENT_SCOPE")
  void dashboardSseMessagesInsufficientScope(Token token) throws Exception {
    check(Endpoint.DASHBOARD_SSE_MESSAGES, token);
  }

  // ---- the actuator of each service ----

  @ValidityRows
  void ingestMetrics(Token token) throws Exception {
    check(Endpoint.INGEST_METRICS, token);
  }

  @ScopeRows
  void ingestMetricsScopes(Token token) throws Exception {
    check(Endpoint.INGEST_METRICS, token);
  }

  @ValidityRows
  void fhirMetrics(Token token) throws Exception {
    check(Endpoint.FHIR_METRICS, token);
  }

  @ScopeRows
  void fhirMetricsScopes(Token token) throws Exception {
    check(Endpoint.FHIR_METRICS, token);
  }

  @ValidityRows
  void dashboardMetrics(Token token) throws Exception {
    check(Endpoint.DASHBOARD_METRICS, token);
  }

  @ScopeRows
  void dashboardMetricsScopes(Token token) throws Exception {
    check(Endpoint.DASHBOARD_METRICS, token);
  }

  @ValidityRows
  void processorMetrics(Token token) throws Exception {
    check(Endpoint.PROCESSOR_METRICS, token);
  }

  @ScopeRows
  void processorMetricsScopes(Token token) throws Exception {
    check(Endpoint.PROCESSOR_METRICS, token);
  }

  @Test
  void healthLivenessAndReadinessAreOpenOnEveryService() throws Exception {
    for (Service service : Service.values()) {
      for (String path :
          List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
        Answer answer = send(service, "GET", path, null, null, null);
        assertThat(answer.status()).as("%s %s without a token", service, path).isEqualTo(200);
      }
    }
  }

  // ---- the check ----

  private static void check(Endpoint endpoint, Token token) throws Exception {
    if (token == Token.ROTATED_KEY) {
      // the service has the current JWK set (a served request), then a new key signs
      assertServed(endpoint, call(endpoint, auth.token(endpoint.scope.split(" "))), token);
      auth.rotateKeys();
    }
    Answer answer = call(endpoint, token(endpoint, token));
    String row = endpoint + " × " + token;
    switch (token) {
      case NONE -> {
        assertThat(answer.status()).as(row).isEqualTo(401);
        assertThat(answer.challenge()).as(row + ": WWW-Authenticate").startsWith("Bearer");
      }
      case EXPIRED, NOT_YET_VALID, WRONG_ISSUER, WRONG_AUDIENCE, BAD_SIGNATURE, ALG_NONE -> {
        assertThat(answer.status()).as(row).isEqualTo(401);
        assertThat(answer.challenge())
            .as(row + ": WWW-Authenticate")
            .startsWith("Bearer")
            .contains("invalid_token");
      }
      case ROTATED_KEY, RIGHT_SCOPE -> assertServed(endpoint, answer, token);
      case INSUFFICIENT_SCOPE -> {
        if (endpoint.kind != Kind.HTTP && answer.status() == 200) {
          // a stream may open and refuse the subscription in its first message
          assertRefusedInBand(row, answer);
        } else {
          assertThat(answer.status()).as(row + " (" + answer.body() + ")").isEqualTo(403);
        }
        if (endpoint.kind == Kind.HTTP) {
          assertThat(answer.challenge())
              .as(row + ": WWW-Authenticate")
              .contains("insufficient_scope");
        }
      }
      case OTHER_PATIENT -> {
        if (OTHER_PATIENT_SERVED.contains(endpoint)) {
          assertServed(endpoint, answer, token);
        } else if (RECORD_MARKER.containsKey(endpoint) && answer.status() == 200) {
          assertThat(answer.body())
              .as(row + ": nothing of the patient's record")
              .doesNotContain(RECORD_MARKER.get(endpoint));
        } else if (endpoint.kind != Kind.HTTP && answer.status() == 200) {
          assertRefusedInBand(row, answer);
        } else if (answer.status() == 200 && endpoint.method.equals("GET")) {
          // a search may answer with what the patient may see: nothing of the other patient
          assertThat(answer.body())
              .as(row)
              .doesNotContain("Patient/" + PATIENT)
              .doesNotContain("\"" + PATIENT + "\"");
        } else {
          assertThat(answer.status()).as(row + " (" + answer.body() + ")").isIn(403, 404);
        }
      }
    }
  }

  private static void assertServed(Endpoint endpoint, Answer answer, Token token) {
    assertThat(answer.status())
        .as("%s × %s (%s)", endpoint, token, answer.body())
        .isIn(endpoint.ok.toArray());
    if (RECORD_MARKER.containsKey(endpoint)) {
      assertThat(answer.body())
          .as("%s × %s: the answer read the patient's record", endpoint, token)
          .contains(RECORD_MARKER.get(endpoint));
    }
    if (endpoint.kind != Kind.HTTP) {
      assertThat(answer.body())
          .as("%s × %s: the stream's answer to its subscription", endpoint, token)
          .contains("\"type\":\"subscribed\"")
          .contains(PATIENT);
    }
  }

  /** The stream opened but its first message refuses the subscription. */
  private static void assertRefusedInBand(String row, Answer answer) {
    assertThat(answer.body())
        .as(row + ": the stream's answer to its subscription")
        .doesNotContain("\"type\":\"subscribed\"")
        .containsAnyOf("\"type\":\"error\"", "(closed 1008");
  }

  /** The {@code Authorization} value of the column, or null (no token). */
  private static String token(Endpoint endpoint, Token token) throws Exception {
    String[] scopes = endpoint.scope.split(" ");
    return switch (token) {
      case NONE -> null;
      case RIGHT_SCOPE, ROTATED_KEY -> auth.token(scopes);
      case INSUFFICIENT_SCOPE -> auth.token(endpoint.insufficientScope.split(" "));
      case OTHER_PATIENT ->
          endpoint == Endpoint.DASHBOARD_SSE_MESSAGES
              // another principal: the patient-a user (patient sim-1), not the stream's opener
              ? auth.userToken("patient-a", "patient/Observation.rs")
              : endpoint.aboutAPatient()
                  ? auth.patientToken(OTHER, "patient/*.cruds")
                  // nothing of a patient here: a patient-context token is still no operator
                  : auth.patientToken(OTHER, "patient/*.rs");
      case EXPIRED -> auth.sign(claims(endpoint, -900, -600, auth.issuer(), "vitalflow"));
      case NOT_YET_VALID -> auth.sign(claims(endpoint, 600, 900, auth.issuer(), "vitalflow"));
      case WRONG_ISSUER ->
          auth.sign(claims(endpoint, 0, 300, "http://127.0.0.1:1/not-the-issuer", "vitalflow"));
      case WRONG_AUDIENCE -> auth.sign(claims(endpoint, 0, 300, auth.issuer(), "another-api"));
      case BAD_SIGNATURE -> forged(auth.token(scopes));
      case ALG_NONE -> unsigned(auth.token(scopes));
    };
  }

  /**
   * The claims the server would issue for the endpoint's scopes, valid from {@code fromSeconds} to
   * {@code toSeconds} relative to now (beyond the services' 5 s clock skew).
   */
  private static Map<String, Object> claims(
      Endpoint endpoint, long fromSeconds, long toSeconds, String issuer, String audience) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "vitalflow-cli");
    claims.put("aud", List.of(audience));
    claims.put("client_id", "vitalflow-cli");
    claims.put("scope", List.of(endpoint.scope.split(" ")));
    claims.put("iat", now + Math.min(fromSeconds, 0));
    claims.put("nbf", now + fromSeconds);
    claims.put("exp", now + toSeconds);
    claims.put("jti", "matrix-" + fresh.incrementAndGet());
    return claims;
  }

  /** {@code token}'s header and claims, signed by another key that claims the same {@code kid}. */
  private static String forged(String token) throws ParseException, JOSEException {
    SignedJWT real = SignedJWT.parse(token);
    RSAKey other = new RSAKeyGenerator(2048).keyID(real.getHeader().getKeyID()).generate();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(real.getHeader().getKeyID())
                .type(real.getHeader().getType())
                .build(),
            JWTClaimsSet.parse(real.getJWTClaimsSet().toJSONObject()));
    forged.sign(new RSASSASigner(other));
    return forged.serialize();
  }

  /** {@code token}'s claims under {@code {"alg":"none"}} and no signature. */
  private static String unsigned(String token) {
    String[] parts = token.split("\\.");
    return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString() + "." + parts[1] + ".";
  }

  // ---- requests ----

  private static Answer call(Endpoint endpoint, String token) throws Exception {
    String authorization = token == null ? null : "Bearer " + token;
    return switch (endpoint.kind) {
      case HTTP -> {
        String path = endpoint.path;
        if (path.contains("{fresh}")) {
          String id = "matrix-del-" + fresh.incrementAndGet();
          expect(
              send(
                  Service.FHIR,
                  "PUT",
                  "/fhir/Patient/" + id,
                  FHIR_JSON,
                  patient(id),
                  auth.token("system/*.cruds")),
              200,
              201);
          path = path.replace("{fresh}", id);
        }
        if (path.contains("{connection}")) {
          try (OpenStream opened = OpenStream.open(auth.token("system/Observation.rs"))) {
            yield send(
                endpoint.service,
                endpoint.method,
                path.replace("{connection}", opened.connectionId),
                endpoint.contentType,
                endpoint.body,
                token);
          }
        }
        yield send(
            endpoint.service, endpoint.method, path, endpoint.contentType, endpoint.body, token);
      }
      case SSE -> stream(endpoint, authorization);
      case WEBSOCKET -> webSocket(endpoint, authorization);
    };
  }

  private static Answer send(
      Service service, String method, String path, String contentType, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("http", service, path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.headers(), response.body());
  }

  /** Opens the event stream, keeps its status and headers, and closes it. */
  private static Answer stream(Endpoint endpoint, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("http", endpoint.service, endpoint.path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "text/event-stream")
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      String text =
          response.statusCode() == 200
              ? firstEvent(body)
              : new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(response.statusCode(), response.headers(), text);
    }
  }

  /**
   * The stream's first {@code subscribed} or {@code error} event (the answer to the subscription in
   * its URL), within 10 s.
   */
  private static String firstEvent(InputStream body) throws Exception {
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(
            () -> {
              BufferedReader lines =
                  new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
              try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.contains("\"type\":\"subscribed\"")
                      || line.contains("\"type\":\"error\"")) {
                    return line;
                  }
                }
                return "(stream ended)";
              } catch (IOException e) {
                return "(stream failed: " + e + ")";
              }
            });
    try {
      return first.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return "(no subscribed or error event within 10 s)";
    }
  }

  /** The WebSocket handshake: 200 when the connection opened, else the refusal's status. */
  private static Answer webSocket(Endpoint endpoint, String authorization) throws Exception {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              String message = text.toString();
              text.setLength(0);
              if (message.contains("\"type\":\"subscribed\"")
                  || message.contains("\"type\":\"error\"")) {
                first.complete(message);
              }
            }
            socket.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            first.complete("(closed " + status + " " + reason + ")");
            return null;
          }
        };
    try {
      WebSocket socket =
          builder
              .buildAsync(uri("ws", endpoint.service, endpoint.path), listener)
              .get(30, TimeUnit.SECONDS);
      String message;
      try {
        message = first.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        message = "(no subscribed or error message within 10 s)";
      }
      socket.abort();
      return new Answer(200, HttpHeaders.of(Map.of(), (a, b) -> true), message);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        HttpResponse<?> response = refused.getResponse();
        Object body = response.body();
        return new Answer(
            response.statusCode(), response.headers(), body == null ? "" : body.toString());
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("no WebSocket handshake answer from " + endpoint, e);
    }
  }

  /** An event stream without a subscription, open while a row sends it a message. */
  private record OpenStream(InputStream body, String connectionId) implements AutoCloseable {

    static OpenStream open(String token) throws Exception {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(uri("http", Service.DASHBOARD, "/api/v1/dashboard/events"))
                  .header("Accept", "text/event-stream")
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      String hello = firstEvent(response.body());
      Matcher id = Pattern.compile("\"connectionId\":\"([^\"]+)\"").matcher(hello);
      assertThat(id.find()).as("the stream's hello: %s", hello).isTrue();
      return new OpenStream(response.body(), id.group(1));
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  private static URI uri(String scheme, Service service, String path) {
    int port =
        switch (service) {
          case INGEST -> services.ingestPort;
          case FHIR -> services.fhirPort;
          case DASHBOARD -> services.dashboardPort;
          case PROCESSOR -> services.processorPort;
        };
    return URI.create(scheme + "://127.0.0.1:" + port + path);
  }

  private static void expect(Answer answer, Integer... statuses) {
    assertThat(answer.status()).as(answer.body()).isIn((Object[]) statuses);
  }

  // ---- bodies ----

  static String reading(String patient) {
    return "{\"patientId\":\""
        + patient
        + "\",\"deviceId\":\"matrix-device\",\"code\":\"8867-4\",\"value\":72,\"unit\":\"/min\","
        + "\"effectiveTime\":\""
        + Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + "\"}\n";
  }

  static String patient(String id) {
    return "{\"resourceType\":\"Patient\",\"id\":\""
        + id
        + "\",\"name\":[{\"family\":\"Matrix\",\"given\":[\""
        + id
        + "\"]}]}";
  }

  static String observation(String patient) {
    return """
        {"resourceType":"Observation","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"59408-5"}]},
         "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",
         "valueQuantity":{"value":96,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"}}"""
        .formatted(
            patient,
            Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  static String transaction(String patient) {
    return """
        {"resourceType":"Bundle","type":"transaction","entry":[{"resource":%s,
         "request":{"method":"PUT","url":"Patient/%s"}}]}"""
        .formatted(patient(patient), patient);
  }

  static String orderSelect(String patient) {
    return """
        {"hook":"order-select","hookInstance":"5b0f5c1e-matrix",
         "context":{"userId":"Practitioner/matrix","patientId":"%s",
          "selections":["MedicationRequest/ibuprofen"],
          "draftOrders":{"resourceType":"Bundle","type":"collection","entry":[%s]}}}"""
        .formatted(patient, draft(patient, "ibuprofen", "310965"));
  }

  private static String draft(String patient, String name, String rxcui) {
    return """
        {"resource":{"resourceType":"MedicationRequest","id":"%s","status":"draft","intent":"order",\
        "subject":{"reference":"Patient/%s"},"medicationCodeableConcept":{"coding":[{"system":\
        "http://www.nlm.nih.gov/research/umls/rxnorm","code":"%s","display":"%s"}],"text":"%s"}}}"""
        .formatted(name, patient, rxcui, name, name);
  }
}
