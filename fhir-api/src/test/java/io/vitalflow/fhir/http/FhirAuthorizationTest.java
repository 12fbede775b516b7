package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.SecuredFhir.bearer;
import static io.vitalflow.fhir.http.SecuredFhir.patientToken;
import static io.vitalflow.fhir.http.SecuredFhir.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.TestIssuer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMART on FHIR authorization of every fhir-api endpoint, with real signed tokens and security on:
 * the open discovery documents, 401 without a token, 403 with an OperationOutcome naming the scope
 * when the token's scopes do not cover the interaction, success with the right scope, and the
 * patient compartment of patient-context tokens (own records seen, others' not found, writes
 * outside refused).
 */
class FhirAuthorizationTest {

  private static final String SIGN = "/cds-services/vitalflow-drug-interactions-sign";
  private static SecuredFhir fhir;
  private static FhirHttp http;
  private static FhirHttp root;
  private static String vitalIdOfPb;

  @BeforeAll
  static void start() throws Exception {
    fhir = SecuredFhir.start("fhir_authorization");
    http = fhir.http;
    root = new FhirHttp(fhir.root);
    Bundle vitals =
        FhirHttp.parse(
            Bundle.class,
            http.get(
                "/Observation?patient=pb&category=vital-signs",
                bearer(token("system/Observation.rs"))));
    vitalIdOfPb = vitals.getEntryFirstRep().getResource().getIdElement().getIdPart();
  }

  @AfterAll
  static void stop() {
    fhir.close();
  }

  /**
   * One endpoint: how to call it, a scope that allows it and the success status.
   *
   * @param fhirPath whether it is under /fhir (OperationOutcome) or not (problem details)
   */
  record Endpoint(
      String name,
      String method,
      String path,
      String body,
      String scope,
      int ok,
      boolean fhirPath) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Endpoint> endpoints() {
    String observation =
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
            + "\"subject\":{\"reference\":\"Patient/pc\"}}";
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + observation.replace(
                "{\"resourceType\":\"Observation\",",
                "{\"resourceType\":\"Observation\",\"id\":\"obs-tx\",")
            + ",\"request\":{\"method\":\"PUT\",\"url\":\"Observation/obs-tx\"}}]}";
    String hook =
        "{\"hook\":\"order-sign\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\","
            + "\"context\":{\"userId\":\"Practitioner/dr1\",\"patientId\":\"pc\",\"draftOrders\":"
            + "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"MedicationRequest\",\"id\":\"d1\",\"status\":\"draft\",\"intent\":\"order\","
            + "\"subject\":{\"reference\":\"Patient/pc\"},\"medicationCodeableConcept\":{\"coding\":"
            + "[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"310965\"}]}}}]}}}";
    String feedback =
        "{\"feedback\":[{\"card\":\"8d0f6f7e-6b8a-4a7e-9a53-2d6c1d1b7a01\",\"outcome\":\"accepted\","
            + "\"outcomeTimestamp\":\"2026-12-06T09:00:00Z\",\"acceptedSuggestions\":[{\"id\":\"s-1\"}]}]}";
    return Stream.of(
        new Endpoint("read", "GET", "/Patient/pa", null, "system/Patient.r", 200, true),
        new Endpoint(
            "vread", "GET", "/Condition/cond-pa/_history/1", null, "system/Condition.r", 200, true),
        new Endpoint(
            "instance history",
            "GET",
            "/Condition/cond-pa/_history",
            null,
            "system/Condition.r",
            200,
            true),
        new Endpoint(
            "type history", "GET", "/Condition/_history", null, "system/Condition.r", 200, true),
        new Endpoint(
            "search", "GET", "/Observation?patient=pa", null, "system/Observation.s", 200, true),
        new Endpoint(
            "vital-signs search",
            "GET",
            "/Observation?patient=pa&category=vital-signs",
            null,
            "user/Observation.rs",
            200,
            true),
        new Endpoint(
            "$lastn",
            "GET",
            "/Observation/$lastn?patient=pa&category=vital-signs",
            null,
            "system/Observation.s",
            200,
            true),
        new Endpoint(
            "create", "POST", "/Observation", observation, "system/Observation.c", 201, true),
        new Endpoint(
            "update",
            "PUT",
            "/Observation/obs-new-1",
            observation.replace(
                "{\"resourceType\":\"Observation\",",
                "{\"resourceType\":\"Observation\",\"id\":\"obs-new-1\","),
            "system/Observation.u",
            201,
            true),
        new Endpoint(
            "delete", "DELETE", "/Practitioner/dr-gone", null, "system/Practitioner.d", 204, true),
        new Endpoint("transaction", "POST", "", transaction, "system/Observation.u", 200, true),
        new Endpoint(
            "patch (FHIRPath Patch)",
            "PATCH",
            "/Practitioner/dr1",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"add\"},"
                + "{\"name\":\"path\",\"valueString\":\"Practitioner\"},"
                + "{\"name\":\"name\",\"valueString\":\"active\"},"
                + "{\"name\":\"value\",\"valueBoolean\":true}]}]}",
            "system/Practitioner.u",
            200,
            true),
        new Endpoint(
            "conditional update",
            "PUT",
            "/Practitioner?identifier=urn:npi%7Cauth-cu",
            "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"urn:npi\","
                + "\"value\":\"auth-cu\"}]}",
            "system/Practitioner.us",
            201,
            true),
        new Endpoint(
            "conditional delete",
            "DELETE",
            "/Practitioner?identifier=urn:npi%7Cnobody",
            null,
            "system/Practitioner.ds",
            204,
            true),
        new Endpoint(
            "$validate",
            "POST",
            "/Patient/$validate",
            "{\"resourceType\":\"Patient\",\"active\":true}",
            "system/Patient.r",
            200,
            true),
        new Endpoint(
            "$everything", "GET", "/Patient/pa/$everything", null, "system/Patient.r", 200, true),
        new Endpoint(
            "search AuditEvent", "GET", "/AuditEvent", null, "system/AuditEvent.rs", 200, true),
        new Endpoint(
            "vitals (api/v1)",
            "GET",
            "/api/v1/patients/pa/vitals",
            null,
            "system/Observation.r",
            200,
            false),
        new Endpoint(
            "latest vitals (api/v1)",
            "GET",
            "/api/v1/patients/pa/vitals/latest",
            null,
            "system/Observation.r",
            200,
            false),
        new Endpoint(
            "hourly vitals (api/v1)",
            "GET",
            "/api/v1/patients/pa/vitals/hourly",
            null,
            "system/Observation.r",
            200,
            false),
        new Endpoint(
            "CDS Hooks service", "POST", SIGN, hook, "system/MedicationRequest.s", 200, false),
        new Endpoint(
            "CDS Hooks feedback",
            "POST",
            SIGN + "/feedback",
            feedback,
            "system/MedicationRequest.s",
            200,
            false));
  }

  private static HttpResponse<String> call(Endpoint endpoint, String... headers) {
    FhirHttp client = endpoint.fhirPath() ? http : root;
    String[] all = headers;
    if (!endpoint.fhirPath() && endpoint.body() != null) {
      all =
          Stream.concat(Stream.of(headers), Stream.of("Content-Type", "application/json"))
              .toArray(String[]::new);
    }
    return client.send(endpoint.method(), endpoint.path(), endpoint.body(), all);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void withoutATokenEveryEndpointAnswers401WithABearerChallenge(Endpoint endpoint) {
    HttpResponse<String> response = call(endpoint);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(FhirHttp.header(response, "WWW-Authenticate")).startsWith("Bearer");
    if (endpoint.fhirPath()) {
      OperationOutcome outcome = FhirHttp.assertOutcome(response, 401);
      assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
    } else {
      assertThat(FhirHttp.header(response, "Content-Type")).startsWith("application/problem+json");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aForgedTokenIs401InvalidToken(Endpoint endpoint) throws Exception {
    HttpResponse<String> response =
        call(endpoint, bearer(io.vitalflow.local.TestIssuer.shared().forged(endpoint.scope())));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(FhirHttp.header(response, "WWW-Authenticate")).contains("invalid_token");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aTokenWithoutTheScopeGets403NamingTheScope(Endpoint endpoint) {
    // everything but this endpoint's type; for AuditEvent: a wildcard, which never covers it
    String scope =
        endpoint.scope().startsWith("system/AuditEvent")
            ? "system/*.cruds"
            : "system/Location.cruds";

    HttpResponse<String> response = call(endpoint, bearer(token(scope)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(FhirHttp.header(response, "WWW-Authenticate")).contains("insufficient_scope");
    String type =
        endpoint
            .scope()
            .substring(endpoint.scope().indexOf('/') + 1, endpoint.scope().indexOf('.'));
    if (endpoint.fhirPath()) {
      OperationOutcome outcome = FhirHttp.assertOutcome(response, 403);
      assertThat(outcome.getIssueFirstRep().getCode())
          .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
      assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("system/" + type + ".");
    } else {
      assertThat(FhirHttp.header(response, "Content-Type")).startsWith("application/problem+json");
      assertThat(response.body()).contains("system/" + type + ".");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void theRightScopeIsEnough(Endpoint endpoint) {
    HttpResponse<String> response = call(endpoint, bearer(token(endpoint.scope())));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(endpoint.ok());
  }

  @Test
  void batchEntriesAreCheckedOneByOne() {
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
            + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/pa\"}},"
            + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition/cond-pa\"}}]}";

    HttpResponse<String> response = http.post("", batch, bearer(token("system/Patient.rs")));

    assertThat(response.statusCode()).isEqualTo(200);
    Bundle answer = FhirHttp.parse(Bundle.class, response);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "403 Forbidden");
    HttpResponse<String> anonymous = http.post("", batch);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void discoveryDocumentsAreOpenAndDeclareSmart() throws Exception {
    HttpResponse<String> metadata = http.get("/metadata");
    assertThat(metadata.statusCode()).isEqualTo(200);
    CapabilityStatement statement = FhirHttp.parse(CapabilityStatement.class, metadata);
    CapabilityStatement.CapabilityStatementRestSecurityComponent security =
        statement.getRestFirstRep().getSecurity();
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/restful-security-service");
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode())
        .isEqualTo("SMART-on-FHIR");
    Extension uris =
        security.getExtensionByUrl(
            "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
    String issuer = io.vitalflow.local.TestIssuer.shared().issuer();
    assertThat(uris.getExtensionByUrl("token").getValue().primitiveValue())
        .isEqualTo(issuer + "/oauth2/token");
    assertThat(uris.getExtensionByUrl("authorize").getValue().primitiveValue())
        .isEqualTo(issuer + "/oauth2/authorize");

    HttpResponse<String> smart = http.get("/.well-known/smart-configuration");
    assertThat(smart.statusCode()).isEqualTo(200);
    assertThat(FhirHttp.header(smart, "Content-Type")).startsWith("application/json");
    assertThat(smart.body())
        .contains("\"issuer\":\"" + issuer + "\"")
        .contains("\"authorization_endpoint\":\"" + issuer + "/oauth2/authorize\"")
        .contains("\"token_endpoint\":\"" + issuer + "/oauth2/token\"")
        .contains("\"jwks_uri\":\"" + issuer + "/oauth2/jwks\"")
        .contains("\"code_challenge_methods_supported\":[\"S256\"]")
        .contains("private_key_jwt")
        .contains("\"launch-standalone\"", "\"client-confidential-asymmetric\"")
        .contains("\"permission-v2\"", "\"context-standalone-patient\"", "\"sso-openid-connect\"")
        .contains(
            "\"scopes_supported\"", "\"grant_types_supported\"", "\"response_types_supported\"");

    // a stale or foreign token sent along to an open path does not turn it into a 401
    assertThat(
            http.get("/metadata", bearer(TestIssuer.shared().forged("system/*.rs"))).statusCode())
        .isEqualTo(200);
    assertThat(http.get("/.well-known/smart-configuration", bearer("not-a-jwt")).statusCode())
        .isEqualTo(200);

    HttpResponse<String> cds = root.get("/cds-services");
    assertThat(cds.statusCode()).isEqualTo(200);
    // the rest of /fhir is not open
    assertThat(http.get("/").statusCode()).isEqualTo(401);
  }

  // ---- patient context

  private static String pa(String scope) {
    return patientToken("pa", scope);
  }

  private static List<String> ids(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle bundle = FhirHttp.parse(Bundle.class, response);
    List<String> ids = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource != null && !(resource instanceof OperationOutcome)) {
        ids.add(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
      }
    }
    return ids;
  }

  @Test
  void aPatientContextTokenReadsItsOwnRecordAndFindsNoOtherPatients() {
    String[] token = bearer(pa("patient/*.rs"));

    assertThat(http.get("/Patient/pa", token).statusCode()).isEqualTo(200);
    assertThat(http.get("/Observation/obs-pa-1", token).statusCode()).isEqualTo(200);
    assertThat(http.get("/Condition/cond-pa/_history/1", token).statusCode()).isEqualTo(200);
    for (String other :
        List.of(
            "/Patient/pb",
            "/Observation/obs-pb-1",
            "/Condition/cond-pb/_history/1",
            "/Condition/cond-pb/_history",
            "/Practitioner/dr1",
            "/Observation/" + vitalIdOfPb)) {
      FhirHttp.assertOutcome(http.get(other, token), 404);
    }
  }

  @Test
  void aPatientContextTokenSearchesOnlyItsCompartment() {
    String[] token = bearer(pa("patient/*.rs"));

    // (the write test may have added one of pa's)
    assertThat(ids(http.get("/Observation", token)))
        .contains("Observation/obs-pa-1", "Observation/obs-pa-2", "Observation/obs-pa-3")
        .noneMatch(id -> id.contains("-pb") || id.contains("-pc"));
    assertThat(ids(http.get("/Observation?patient=pb", token))).isEmpty();
    assertThat(ids(http.get("/Patient", token))).containsExactly("Patient/pa");
    assertThat(ids(http.get("/Practitioner", token))).isEmpty();
    assertThat(ids(http.get("/Condition/_history", token)))
        .containsExactly("Condition/cond-pa", "Condition/cond-pa");
    assertThat(
            ids(
                http.get(
                    "/Observation?_include=Observation:subject&_include=Observation:encounter",
                    token)))
        .contains(
            "Observation/obs-pa-1",
            "Observation/obs-pa-2",
            "Observation/obs-pa-3",
            "Patient/pa",
            "Encounter/enc-pa")
        .noneMatch(id -> id.contains("pb") || id.contains("pc"));
    // the practitioner a patient resource names is outside every patient's compartment
    assertThat(ids(http.get("/Patient?_include=Patient:general-practitioner", token)))
        .containsExactly("Patient/pa");
    assertThat(ids(http.get("/Observation?patient=pb&category=vital-signs", token))).isEmpty();
    assertThat(ids(http.get("/Observation?patient=pa&category=vital-signs", token))).hasSize(4);
    assertThat(ids(http.get("/Observation/$lastn?patient=pb&category=vital-signs", token)))
        .isEmpty();
    assertThat(ids(http.get("/Observation/$lastn?patient=pa&category=vital-signs", token)))
        .hasSize(1);
    assertThat(root.get("/api/v1/patients/pb/vitals", token).body()).isEqualTo("[]");
    assertThat(root.get("/api/v1/patients/pa/vitals", token).body()).contains("8867-4");
  }

  @Test
  void aPatientScopeForOneTypeLeavesTheOtherTypesForbidden() {
    String[] token = bearer(pa("patient/Observation.rs"));

    assertThat(http.get("/Observation/obs-pa-1", token).statusCode()).isEqualTo(200);
    FhirHttp.assertOutcome(http.get("/Condition/cond-pa", token), 403);
    // included targets of a type the token may not read are left out
    assertThat(ids(http.get("/Observation?_include=Observation:subject", token)))
        .contains("Observation/obs-pa-1")
        .noneMatch(id -> id.startsWith("Patient/"));
  }

  @Test
  void aPatientContextTokenWritesOnlyInsideItsCompartment() {
    String[] token = bearer(pa("patient/*.cruds"));
    String mine =
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
            + "\"subject\":{\"reference\":\"Patient/pa\"}}";
    String theirs = mine.replace("Patient/pa", "Patient/pb");

    assertThat(http.post("/Observation", mine, token).statusCode()).isEqualTo(201);
    FhirHttp.assertOutcome(http.post("/Observation", theirs, token), 403);
    // moving someone else's resource into the compartment, and one's own out of it
    FhirHttp.assertOutcome(http.put("/Observation/obs-pb-3", withId(mine, "obs-pb-3"), token), 403);
    FhirHttp.assertOutcome(
        http.put("/Observation/obs-pa-3", withId(theirs, "obs-pa-3"), token), 403);
    FhirHttp.assertOutcome(http.delete("/Observation/obs-pb-2", token), 403);
    FhirHttp.assertOutcome(
        http.post(
            "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"New\"}]}", token),
        403);
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
            + "{\"resource\":"
            + mine
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},"
            + "{\"resource\":"
            + theirs
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    FhirHttp.assertOutcome(http.post("", transaction, token), 403);
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
            + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/pb\"}},"
            + "{\"resource\":"
            + theirs
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    Bundle answer = FhirHttp.parse(Bundle.class, http.post("", batch, token));
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("404 Not Found", "403 Forbidden");
    // nothing of pb's changed
    HttpResponse<String> pb = http.get("/Observation/obs-pb-3", bearer(token("system/*.rs")));
    assertThat(pb.body()).contains("Patient/pb");
    assertThat(http.get("/Observation/obs-pb-2", bearer(token("system/*.rs"))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aPatientContextTokenGetsEverythingOfItsOwnPatientOnly() {
    String[] token = bearer(pa("patient/*.rs"));

    assertThat(ids(http.get("/Patient/pa/$everything?_count=100", token)))
        .contains(
            "Patient/pa",
            "Encounter/enc-pa",
            "Observation/obs-pa-1",
            "Observation/obs-pa-x",
            "Condition/cond-pa",
            "MedicationRequest/mr-pa",
            "AllergyIntolerance/ai-pa",
            "Observation/obs-pa-2")
        .doesNotContain(
            "Patient/pb",
            "Observation/obs-pb-1",
            "Observation/obs-pb-x",
            "Condition/cond-pb",
            "Encounter/enc-pb",
            "Practitioner/dr1",
            "Observation/" + vitalIdOfPb);
    FhirHttp.assertOutcome(http.get("/Patient/pb/$everything", token), 404);
  }

  @Test
  void aPatientContextTokensConditionalAndPatchWritesStayInItsCompartment() {
    String[] token = bearer(pa("patient/*.cruds"));
    String patch =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
            + "{\"name\":\"type\",\"valueCode\":\"replace\"},"
            + "{\"name\":\"path\",\"valueString\":\"Observation.subject.reference\"},"
            + "{\"name\":\"value\",\"valueString\":\"Patient/pa\"}]}]}";
    // someone else's resource cannot be patched (not even into the compartment)
    FhirHttp.assertOutcome(http.send("PATCH", "/Observation/obs-pb-1", patch, token), 403);
    // a condition sees only the compartment: pb's Observation is no match, nothing is deleted
    assertThat(http.delete("/Observation?_id=obs-pb-2", token).statusCode()).isEqualTo(204);
    assertThat(http.get("/Observation/obs-pb-2", bearer(token("system/*.rs"))).statusCode())
        .isEqualTo(200);
    assertThat(http.get("/Observation/obs-pb-1", bearer(token("system/*.rs"))).body())
        .contains("Patient/pb");
  }

  private static String withId(String json, String id) {
    return json.replace(
        "{\"resourceType\":\"Observation\",",
        "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",");
  }

  @Test
  void wildcardsDoNotReachTheAuditTrail() {
    OperationOutcome outcome =
        FhirHttp.assertOutcome(http.get("/AuditEvent", bearer(token("system/*.cruds"))), 403);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("system/AuditEvent.rs");
  }
}
