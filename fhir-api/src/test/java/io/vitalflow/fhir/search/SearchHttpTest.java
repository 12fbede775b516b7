package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.ReadOnlyServer;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Issue 16 through the HTTP API: an unknown parameter is a 400 naming it (no longer the unfiltered
 * result), lenient handling reports it in the Bundle, chains filter, and {@code POST
 * [type]/_search} with a form body searches like the GET.
 */
class SearchHttpTest {

  private static SearchDatabase database;
  private static ReadOnlyServer server;

  @BeforeAll
  static void start() {
    database = new SearchDatabase("search-http-test");
    Patient peter = new Patient();
    peter.setId("p1");
    peter.addName().setFamily("Chalmers").addGiven("Peter");
    Patient anna = new Patient();
    anna.setId("p2");
    anna.addName().setFamily("Smith").addGiven("Anna");
    Observation o1 = new Observation();
    o1.setId("o1");
    o1.setStatus(Observation.ObservationStatus.FINAL);
    o1.getCode().setText("x");
    o1.setSubject(new Reference("Patient/p1"));
    Observation o2 = o1.copy();
    o2.setId("o2");
    o2.setSubject(new Reference("Patient/p2"));
    database.store(Instant.parse("2024-01-01T00:00:00Z"), peter, anna, o1, o2);
    server = ReadOnlyServer.start(database.coordinates());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    database.close();
  }

  @Test
  void aChainFiltersInsteadOfReturningEverything() {
    String body = get("/fhir/Observation?patient.name=peter", null, 200);
    assertThat(body).contains("\"id\":\"o1\"").doesNotContain("\"id\":\"o2\"");
  }

  @Test
  void unknownParametersAreA400UnlessLenient() {
    String error = get("/fhir/Observation?patient.nosuch=peter", null, 400);
    assertThat(error).contains("OperationOutcome").contains("patient.nosuch");
    String lenient = get("/fhir/Observation?patient.nosuch=peter", "handling=lenient", 200);
    assertThat(lenient).contains("\"mode\":\"outcome\"").contains("patient.nosuch");
    assertThat(lenient).contains("\"id\":\"o1\"").contains("\"id\":\"o2\"");
  }

  @Test
  void postSearchWithAFormBody() {
    String body =
        server
            .client()
            .post()
            .uri("/fhir/Observation/_search")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(BodyInserters.fromFormData("patient.name", "peter"))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(body).contains("\"id\":\"o1\"").doesNotContain("\"id\":\"o2\"");
  }

  @Test
  void summaryAndElements() {
    String count = get("/fhir/Patient?_summary=count", null, 200);
    assertThat(count).contains("\"total\":2").doesNotContain("\"entry\"");
    String elements = get("/fhir/Patient?_elements=gender&_id=p1", null, 200);
    assertThat(elements).contains("\"id\":\"p1\"").contains("SUBSETTED").doesNotContain("Chalmers");
    String summary = get("/fhir/Patient?_summary=true&_id=p1", null, 200);
    assertThat(summary).contains("Chalmers").contains("SUBSETTED");
    String whole = get("/fhir/Patient?_summary=false&_id=p1", null, 200);
    assertThat(whole).contains("Chalmers").doesNotContain("SUBSETTED");
    assertThat(get("/fhir/Patient?_summary=some", null, 400)).contains("_summary");
  }

  /**
   * A total-only answer ({@code _summary=count}, {@code _count=0}) has no next page (it linked to
   * itself, or past the end), and a total next to {@code _sort} is counted (the sort's bind values
   * made the count query fail with a 500).
   */
  @Test
  void totalsWithoutEntriesHaveNoNextPageAndWorkWithSort() {
    for (String path :
        List.of(
            "/fhir/Patient?_summary=count",
            "/fhir/Patient?_count=0",
            "/fhir/Patient?_count=0&_sort=family",
            "/fhir/Patient?_summary=count&_sort=-birthdate")) {
      String body = get(path, null, 200);
      assertThat(body).as(path).contains("\"total\":2").doesNotContain("\"next\"");
    }
    assertThat(get("/fhir/Patient?_total=accurate&_sort=family&_count=1", null, 200))
        .contains("\"total\":2")
        .contains("\"next\"");
  }

  /**
   * The CapabilityStatement lists the {@code _revinclude}s a type takes (it listed none), and
   * exactly those: every listed one is accepted by a strict search, one not listed is a 400.
   */
  @Test
  void theCapabilityStatementListsTheRevIncludesThatWork() {
    CapabilityStatement statement =
        FhirContext.forR4Cached()
            .newJsonParser()
            .parseResource(
                CapabilityStatement.class,
                server
                    .client()
                    .mutate()
                    .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20))
                    .build()
                    .get()
                    .uri("/fhir/metadata")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody());
    CapabilityStatement.CapabilityStatementRestResourceComponent patient =
        statement.getRestFirstRep().getResource().stream()
            .filter(resource -> resource.getType().equals("Patient"))
            .findFirst()
            .orElseThrow();
    List<String> listed = patient.getSearchRevInclude().stream().map(s -> s.getValue()).toList();
    assertThat(listed)
        .contains("Observation:patient", "Observation:subject", "Encounter:subject")
        .doesNotContain("Organization:partof");
    String all =
        server
            .client()
            .post()
            .uri("/fhir/Patient/_search")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(
                BodyInserters.fromFormData("_revinclude", String.join(",", listed))
                    .with("_id", "p1"))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(all).contains("\"id\":\"p1\"").contains("\"id\":\"o1\"");
    assertThat(get("/fhir/Patient?_revinclude=Organization:partof", null, 400))
        .contains("Organization:partof");
  }

  private static String get(String path, String prefer, int status) {
    var request = server.client().get().uri(path);
    if (prefer != null) {
      request = request.header("Prefer", prefer);
    }
    return request
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
  }
}
