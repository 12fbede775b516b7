package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalflow.audit.AuditEvents;
import io.vitalflow.audit.AuditHealthIndicator;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSinkConfiguration;
import io.vitalflow.audit.AuditSubtype;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import io.vitalflow.storage.StorageLayout;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Audit completeness, against the real broker and PostgreSQL with real tokens: every request of a
 * sequence of FHIR interactions produces exactly one AuditEvent with the right subtype, agent and
 * patient, read back through {@code GET /fhir/AuditEvent?patient=} with an audit scope (the audit
 * sink runs beside the server as it runs in the processor); 401 and 403 are recorded; AuditEvent
 * without the audit scope is 403; and with the audit broker unreachable a read is 503 with {@code
 * Retry-After} (an OperationOutcome) once the delivery deadline passed, health DOWN.
 */
class AuditCompletenessTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack = LocalStack.shared();
  private final List<AutoCloseable> open = new ArrayList<>();

  /** The audit sink as the processor runs it, on the FHIR server's database. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(KafkaProperties.class)
  @Import(AuditSinkConfiguration.class)
  static class Sink {

    static PostgresCoordinates database;

    @Bean
    DataSource dataSource() {
      return database.dataSource();
    }

    @Bean
    StorageLayout storageLayout(DataSource dataSource) {
      return Migrations.migrate(dataSource);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private FhirServer server(String bootstrapOfAudit, String prefix) throws Exception {
    List<String> args = new ArrayList<>(List.of(TestIssuer.shared().serviceArgs()));
    args.add("--vitalflow.audit.enabled=true");
    args.add("--vitalflow.audit.topic-prefix=" + prefix);
    if (bootstrapOfAudit != null) {
      // the audit trail's producer (and the server's other producers) cannot reach a broker
      args.add("--spring.kafka.producer.bootstrap-servers=" + bootstrapOfAudit);
      args.add("--vitalflow.audit.delivery-timeout=1s");
    }
    FhirServer server = FhirServer.start("audit-completeness", args.toArray(String[]::new));
    open.add(server);
    return server;
  }

  /** A FHIR server with the audit trail on, and the audit sink storing into its database. */
  private FhirServer serverWithSink() throws Exception {
    String prefix = stack.freshTopicPrefix();
    FhirServer server = server(null, prefix);
    Sink.database = server.database;
    ConfigurableApplicationContext sink =
        new SpringApplicationBuilder(Sink.class)
            .web(WebApplicationType.NONE)
            .run(
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.audit.topic-prefix=" + prefix,
                "--vitalflow.audit.sink-group=" + prefix + "audit-sink",
                "--vitalflow.audit.sink-linger=50ms");
    open.add(sink);
    return server;
  }

  @Test
  void everyRequestIsExactlyOneAuditEventWithItsSubtypeAgentAndPatient() throws Exception {
    FhirServer server = serverWithSink();

    TestIssuer issuer = TestIssuer.shared();
    String writer = issuer.userToken("dr-who", List.of("ward-a"), "user/*.cruds");
    String auditor = issuer.token("system/AuditEvent.rs");
    FhirHttp http = new FhirHttp(server.base);
    String bearer = "Authorization";

    HttpResponse<String> created =
        http.send(
            "POST",
            "/Patient",
            "{\"resourceType\":\"Patient\",\"active\":true}",
            bearer,
            "Bearer " + writer);
    assertThat(created.statusCode()).isEqualTo(201);
    String p =
        created
            .headers()
            .firstValue("Location")
            .orElseThrow()
            .replaceAll(".*/Patient/([^/]+).*", "$1");
    String q = "q-" + p;

    assertThat(http.send("GET", "/Patient/" + p, null, bearer, "Bearer " + writer).statusCode())
        .isEqualTo(200);
    assertThat(
            http.send(
                    "PUT",
                    "/Patient/" + p,
                    "{\"resourceType\":\"Patient\",\"id\":\"" + p + "\",\"active\":false}",
                    bearer,
                    "Bearer " + writer)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send("GET", "/Observation?patient=" + p, null, bearer, "Bearer " + writer)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send("GET", "/Patient/" + p + "/_history", null, bearer, "Bearer " + writer)
                .statusCode())
        .isEqualTo(200);
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"Patient\",\"id\":\""
            + q
            + "\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/"
            + q
            + "\"}}]}";
    assertThat(http.send("POST", "", transaction, bearer, "Bearer " + writer).statusCode())
        .isEqualTo(200);
    assertThat(http.send("DELETE", "/Patient/" + p, null, bearer, "Bearer " + writer).statusCode())
        .isBetween(200, 204);
    assertThat(http.send("GET", "/Patient/" + p, null).statusCode()).isEqualTo(401);
    // refused by fhir-api's own scope check (an exception answered by its handler)
    String observationsOnly = issuer.userToken("dr-no", List.of("ward-a"), "user/Observation.rs");
    assertThat(
            http.send("GET", "/Patient/" + p, null, bearer, "Bearer " + observationsOnly)
                .statusCode())
        .isEqualTo(403);
    String r = "r-" + p;
    assertThat(http.send("GET", "/Patient/" + r, null, bearer, "Bearer " + writer).statusCode())
        .isEqualTo(404);
    HttpResponse<String> notAnAuditor =
        http.send("GET", "/AuditEvent?patient=" + p, null, bearer, "Bearer " + writer);
    assertThat(notAnAuditor.statusCode()).isEqualTo(403);
    assertThat(notAnAuditor.body()).contains("OperationOutcome").contains("AuditEvent.rs");
    assertThat(notAnAuditor.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");

    // read back through the FHIR API, as an auditor
    Map<String, List<AuditRecord>> bySubtype =
        awaitEvents(http, auditor, p, 9).stream()
            .collect(Collectors.groupingBy(e -> e.subtype().code()));
    assertThat(bySubtype.keySet())
        .containsExactlyInAnyOrder(
            "create",
            "read",
            "update",
            "search-type",
            "history-instance",
            "delete",
            "authentication",
            "authorization");
    assertThat(bySubtype.get("authorization")).hasSize(2);
    bySubtype.forEach(
        (code, events) -> {
          if (!code.equals("authorization")) {
            assertThat(events).as(code).hasSize(1);
          }
        });
    Function<String, AuditRecord> event = code -> bySubtype.get(code).get(0);
    for (String code :
        List.of("create", "read", "update", "search-type", "history-instance", "delete")) {
      AuditRecord e = event.apply(code);
      assertThat(e.service()).isEqualTo("fhir-api");
      assertThat(e.agentSubject()).as(code).isEqualTo("dr-who");
      assertThat(e.clientId()).as(code).isEqualTo("test-client");
      assertThat(e.patients()).as(code).containsExactly(p);
      assertThat(e.status()).as(code).isBetween(200, 204);
    }
    assertThat(event.apply("create").status()).isEqualTo(201);
    assertThat(event.apply("search-type").entities()).containsExactly("Observation");
    assertThat(event.apply("authentication").status()).isEqualTo(401);
    assertThat(event.apply("authentication").agentSubject()).isNull();
    AuditRecord auditRefused =
        bySubtype.get("authorization").stream()
            .filter(e -> e.entities().contains("AuditEvent"))
            .findFirst()
            .orElseThrow();
    assertThat(auditRefused.status()).isEqualTo(403);
    assertThat(auditRefused.agentSubject()).isEqualTo("dr-who");
    AuditRecord readRefused =
        bySubtype.get("authorization").stream()
            .filter(e -> !e.entities().contains("AuditEvent"))
            .findFirst()
            .orElseThrow();
    assertThat(readRefused.status()).isEqualTo(403);
    assertThat(readRefused.agentSubject()).isEqualTo("dr-no");
    assertThat(readRefused.patients()).containsExactly(p);

    assertThat(awaitEvents(http, auditor, r, 1))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.subtype()).isEqualTo(AuditSubtype.READ);
              assertThat(e.status()).isEqualTo(404);
            });
    assertThat(awaitEvents(http, auditor, q, 1))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.subtype()).isEqualTo(AuditSubtype.TRANSACTION);
              assertThat(e.agentSubject()).isEqualTo("dr-who");
            });
  }

  /**
   * Requests whose path names no patient name the patients of the resources they touch: an
   * Observation's create, read and delete (its subject), a search whose results belong to two
   * patients, a transaction (the id it gave the Observation it created, and its subject), a CDS
   * hook call (its {@code context.patientId}). Each is exactly one event naming exactly the right
   * patient(s).
   */
  @Test
  void requestsWithoutAPatientInThePathNameThePatientsOfTheirResources() throws Exception {
    FhirServer server = serverWithSink();
    TestIssuer issuer = TestIssuer.shared();
    String writer = "Bearer " + issuer.userToken("dr-who", List.of("ward-a"), "user/*.cruds");
    String auditor = issuer.token("system/AuditEvent.rs");
    FhirHttp http = new FhirHttp(server.base);
    FhirHttp root = new FhirHttp(server.base.replace("/fhir", ""));
    String bearer = "Authorization";

    String p1 =
        created(http.send("POST", "/Patient", "{\"resourceType\":\"Patient\"}", bearer, writer));
    String p2 =
        created(http.send("POST", "/Patient", "{\"resourceType\":\"Patient\"}", bearer, writer));
    String code = "audit-" + p1;
    String o1 = created(http.send("POST", "/Observation", observation(p1, code), bearer, writer));
    String o2 = created(http.send("POST", "/Observation", observation(p2, code), bearer, writer));

    assertThat(http.send("GET", "/Observation/" + o1, null, bearer, writer).statusCode())
        .isEqualTo(200);
    HttpResponse<String> search =
        http.send("GET", "/Observation?code=" + code, null, bearer, writer);
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(search.body()).path("entry")).hasSize(2);
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":"
            + "\"urn:uuid:5b1c4e7a-8f6d-4a0e-9c1b-2d3e4f5a6b7c\",\"resource\":"
            + observation(p1, "tx-" + code)
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    HttpResponse<String> committed = http.send("POST", "", transaction, bearer, writer);
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    String o3 =
        JSON.readTree(committed.body())
            .path("entry")
            .path(0)
            .path("response")
            .path("location")
            .asText()
            .replaceAll(".*Observation/([^/]+).*", "$1");
    assertThat(o3).isNotBlank().isNotEqualTo(o1).isNotEqualTo(o2);
    assertThat(http.send("DELETE", "/Observation/" + o2, null, bearer, writer).statusCode())
        .isBetween(200, 204);
    String hook =
        "{\"hook\":\"order-sign\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\","
            + "\"context\":{\"userId\":\"Practitioner/dr1\",\"patientId\":\""
            + p2
            + "\",\"draftOrders\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":"
            + "[{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"d1\","
            + "\"status\":\"draft\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/"
            + p2
            + "\"},\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
            + "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"310965\"}]}}}]}},"
            + "\"prefetch\":{\"medications\":{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}}}";
    HttpResponse<String> cds =
        root.send(
            "POST",
            "/cds-services/vitalflow-drug-interactions-sign",
            hook,
            bearer,
            "Bearer " + issuer.token("system/MedicationRequest.s"),
            "Content-Type",
            "application/json");
    assertThat(cds.statusCode()).as(cds.body()).isEqualTo(200);

    // p1: its create, o1's create, read, the search, the transaction
    Map<String, List<AuditRecord>> ofP1 = bySubtype(awaitEvents(http, auditor, p1, 5));
    assertThat(ofP1.keySet())
        .containsExactlyInAnyOrder("create", "read", "search-type", "transaction");
    assertThat(ofP1.get("create")).hasSize(2);
    AuditRecord createdO1 =
        ofP1.get("create").stream()
            .filter(e -> e.entities().contains("Observation/" + o1))
            .findFirst()
            .orElseThrow();
    assertThat(createdO1.patients()).containsExactly(p1);
    assertThat(createdO1.status()).isEqualTo(201);
    assertThat(ofP1.get("read"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.patients()).containsExactly(p1);
              assertThat(e.entities()).containsExactly("Observation/" + o1);
              assertThat(e.status()).isEqualTo(200);
            });
    AuditRecord searched = ofP1.get("search-type").get(0);
    assertThat(ofP1.get("search-type")).hasSize(1);
    assertThat(searched.patients()).containsExactlyInAnyOrder(p1, p2);
    assertThat(searched.entities()).containsExactly("Observation");
    assertThat(ofP1.get("transaction"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.patients()).containsExactly(p1);
              assertThat(e.entities()).contains("Observation/" + o3);
              assertThat(e.status()).isEqualTo(200);
            });

    // p2: its create, o2's create, the same search, o2's delete, the CDS hook call
    Map<String, List<AuditRecord>> ofP2 = bySubtype(awaitEvents(http, auditor, p2, 5));
    assertThat(ofP2.keySet())
        .containsExactlyInAnyOrder("create", "search-type", "delete", "cds-hook");
    assertThat(ofP2.get("create")).hasSize(2);
    assertThat(ofP2.get("search-type")).singleElement().isEqualTo(searched);
    assertThat(ofP2.get("delete"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.patients()).containsExactly(p2);
              assertThat(e.entities()).containsExactly("Observation/" + o2);
            });
    assertThat(ofP2.get("cds-hook"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.patients()).containsExactly(p2);
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.clientId()).isEqualTo("test-client");
            });
  }

  private static Map<String, List<AuditRecord>> bySubtype(List<AuditRecord> events) {
    return events.stream().collect(Collectors.groupingBy(e -> e.subtype().code()));
  }

  private static String observation(String patient, String code) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":"
        + "[{\"system\":\"https://vitalflow.io/test\",\"code\":\""
        + code
        + "\"}]},\"subject\":{\"reference\":\"Patient/"
        + patient
        + "\"}}";
  }

  /** The id of the resource a 201 created, from its Location. */
  private static String created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return response
        .headers()
        .firstValue("Location")
        .orElseThrow()
        .replaceAll(".*/[A-Z][A-Za-z]+/([^/]+)(/_history/.*)?$", "$1");
  }

  @Test
  void aBadAuditQueryIsA400OperationOutcome() throws Exception {
    FhirServer server = server(null, stack.freshTopicPrefix());
    HttpResponse<String> bad =
        new FhirHttp(server.base)
            .send(
                "GET",
                "/AuditEvent?outcome=3",
                null,
                "Authorization",
                "Bearer " + TestIssuer.shared().token("system/AuditEvent.rs"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("OperationOutcome").contains("outcome: expected 0, 4, 8 or 12");
  }

  @Test
  void withTheAuditBrokerUnreachableAReadIs503WithRetryAfterAndHealthDown() throws Exception {
    FhirServer server = server("127.0.0.1:" + FreePorts.next(), stack.freshTopicPrefix());
    FhirHttp http = new FhirHttp(server.base);
    String token = "Bearer " + TestIssuer.shared().token("system/*.rs");
    // the first request's event waits in the bounded buffer
    assertThat(http.send("GET", "/Patient/nobody", null, "Authorization", token).statusCode())
        .isEqualTo(404);
    AuditHealthIndicator audit = server.app.getBean(AuditHealthIndicator.class);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> audit.health().getStatus().equals(Status.DOWN));
    FhirHttp root = new FhirHttp(server.base.replace("/fhir", ""));
    HttpResponse<String> health = root.get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("DOWN");

    HttpResponse<String> refused =
        http.send("GET", "/Patient/nobody", null, "Authorization", token);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    JsonNode outcome = JSON.readTree(refused.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(outcome.path("issue").path(0).path("diagnostics").asText()).contains("audit trail");
  }

  /**
   * The events naming {@code patient}, once {@code count} are stored and a second later (so a
   * duplicate would show); without the auditor's own successful searches, which are audited too and
   * name the patient of their query.
   */
  private static List<AuditRecord> awaitEvents(
      FhirHttp http, String auditor, String patient, int count) throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> events(http, auditor, patient).size() >= count);
    Thread.sleep(1_000);
    return events(http, auditor, patient);
  }

  private static List<AuditRecord> events(FhirHttp http, String auditor, String patient)
      throws Exception {
    HttpResponse<String> page =
        http.send(
            "GET",
            "/AuditEvent?patient=" + patient + "&_count=1000",
            null,
            "Authorization",
            "Bearer " + auditor);
    assertThat(page.statusCode()).isEqualTo(200);
    JsonNode bundle = JSON.readTree(page.body());
    assertThat(bundle.path("type").asText()).isEqualTo("searchset");
    List<AuditRecord> events = new ArrayList<>();
    for (JsonNode entry : bundle.path("entry")) {
      AuditRecord event = AuditEvents.fromJson(entry.path("resource").toString());
      if (!(event.entities().contains("AuditEvent") && event.status() == 200)) {
        events.add(event);
      }
    }
    return events;
  }
}
