package io.vitalflow.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.audit.AuditAction;
import io.vitalflow.audit.AuditSubtype;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.util.UriComponentsBuilder;

/** Method, path and query to the subtype, action, patients and entities of the audit event. */
class AuditRequestsTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "GET    | /fhir/Patient/p-1                       | read             | R | p-1      | -",
        "GET    | /fhir/Observation/o-1                   | read             | R | -        | Observation/o-1",
        "GET    | /fhir/Observation/o-1/_history/2        | vread            | R | -        | Observation/o-1/_history/2",
        "GET    | /fhir/Patient/p-1/_history/2            | vread            | R | p-1      | Patient/p-1/_history/2",
        "GET    | /fhir/Patient/p-1/_history              | history-instance | R | p-1      | -",
        "GET    | /fhir/Observation/_history              | history-type     | R | -        | Observation",
        "GET    | /fhir/_history                          | history-system   | R | -        | -",
        "GET    | /fhir/Observation?patient=p-1,p-2       | search-type      | E | p-1;p-2  | Observation",
        "GET    | /fhir/Observation?subject=Patient/p-3   | search-type      | E | p-3      | Observation",
        "GET    | /fhir/Observation?subject=Group/g       | search-type      | E | -        | Observation",
        "GET    | /fhir/Patient?_id=p-4                   | search-type      | E | p-4      | Patient",
        "POST   | /fhir/Observation/_search               | search-type      | E | -        | Observation",
        "GET    | /fhir?_type=Patient                     | search-system    | E | -        | -",
        "GET    | /fhir/Patient/p-1/Observation           | search-type      | E | p-1      | Observation",
        "POST   | /fhir/Observation                       | create           | C | -        | Observation",
        "PUT    | /fhir/Patient/p-1                       | update           | U | p-1      | -",
        "PATCH  | /fhir/Observation/o-1                   | patch            | U | -        | Observation/o-1",
        "DELETE | /fhir/Observation/o-1                   | delete           | D | -        | Observation/o-1",
        "POST   | /fhir                                   | transaction      | E | -        | -",
        "POST   | /fhir/                                  | transaction      | E | -        | -",
        "GET    | /fhir/Observation/$lastn?patient=p-1    | operation        | E | p-1      | Observation",
        "GET    | /fhir/Patient/p-1/$everything           | operation        | E | p-1      | -",
        "GET    | /fhir/metadata                          | capabilities     | R | -        | -",
        "POST   | /cds-services/vitalflow-interactions    | cds-hook         | E | -        | -",
        "POST   | /api/v1/vitals                          | vitals-ingest    | C | -        | -",
        "GET    | /api/v1/patients/p-1/vitals/latest      | request          | R | p-1      | -",
        "PUT    | /api/v1/wards/w-1/patients/p-1          | ward-move        | U | p-1      | -",
        "GET    | /api/v1/dashboard/events?patients=a,b   | subscribe        | R | a;b      | -",
        "POST   | /api/v1/dashboard/connections/c/messages| request          | E | -        | -",
        "GET    | /actuator/metrics                       | request          | R | -        | -",
        "GET    | /fhir/Patient/not%20an%20id             | request          | R | -        | -",
      })
  void classifies(
      String method, String uri, String subtype, String action, String patients, String entities) {
    var parts = UriComponentsBuilder.fromUriString(uri).build();
    AuditRequests.Classified what =
        AuditRequests.classify(method, parts.getPath().replace("%20", " "), parts.getQueryParams());
    assertThat(what.subtype().code()).isEqualTo(subtype);
    assertThat(what.action().code()).isEqualTo(action);
    assertThat(what.patients())
        .isEqualTo(patients == null ? List.of() : List.of(patients.split(";")));
    assertThat(what.entities())
        .isEqualTo(entities == null ? List.of() : List.of(entities.split(";")));
  }

  @Test
  void aCreateNamesTheResourceOfItsLocation() {
    assertThat(
            AuditWebFilter.created(
                AuditSubtype.CREATE, 201, "http://h:1/fhir/Observation/o-9/_history/1"))
        .containsExactly("Observation/o-9");
    assertThat(AuditWebFilter.created(AuditSubtype.CREATE, 201, "http://h:1/fhir/Patient/p-9"))
        .containsExactly("Patient/p-9");
    assertThat(AuditWebFilter.created(AuditSubtype.READ, 200, "http://h:1/fhir/Patient/p-9"))
        .isEmpty();
    assertThat(AuditWebFilter.created(AuditSubtype.CREATE, 400, "/fhir/Patient/p-9")).isEmpty();
  }

  @Test
  void otherMethodsOfOtherPathsHaveTheActionOfTheMethod() {
    assertThat(AuditRequests.classify("DELETE", "/api/v1/x", Map.of()).action())
        .isEqualTo(AuditAction.DELETE);
  }

  @Test
  void subjectsWithSpacesAreKeptReadable() {
    assertThat(AuditWebFilter.token("Jane Doe")).isEqualTo("Jane_Doe");
    assertThat(AuditWebFilter.token("x".repeat(300))).hasSize(256);
  }

  @Test
  void theResourceTypeShapeIsWhatTheRegularExpressionWas() {
    java.util.regex.Pattern type = java.util.regex.Pattern.compile("[A-Z][A-Za-z]{1,63}");
    java.util.Random random = new java.util.Random(16);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder value = new StringBuilder();
      for (int j = random.nextInt(70); j > 0; j--) {
        value.append("PaZz0_-/é".charAt(random.nextInt(9)));
      }
      String text = value.toString();
      assertThat(AuditRequests.isType(text)).as(text).isEqualTo(type.matcher(text).matches());
    }
    assertThat(AuditRequests.isType("Observation")).isTrue();
    assertThat(AuditRequests.isType("P" + "a".repeat(63))).isTrue();
    assertThat(AuditRequests.isType("P" + "a".repeat(64))).isFalse();
    assertThat(AuditRequests.isType("metadata")).isFalse();
  }
}
