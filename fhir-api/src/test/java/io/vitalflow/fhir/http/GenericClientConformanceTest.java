package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * If HAPI's own client is happy, we conform: CRUD, vread, history, conditional create, If-Match,
 * search with paging, through {@link IGenericClient} against the running server on a real broker
 * and PostgreSQL.
 */
class GenericClientConformanceTest {

  private static FhirServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_conformance");
    FhirContext fhir = FhirContext.forR4();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout(30_000);
    client = fhir.newRestfulGenericClient(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Patient patient(String family, String given) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven(given);
    patient.setGender(AdministrativeGender.FEMALE);
    patient.addIdentifier().setSystem("urn:mrn").setValue(family + "-" + given);
    return patient;
  }

  @Test
  void createReadUpdateVreadDeleteAndHistory() {
    MethodOutcome created = client.create().resource(patient("Curie", "Marie")).execute();
    assertThat(created.getCreated()).isTrue();
    var id = created.getId().toUnqualified();
    assertThat(id.getVersionIdPart()).isEqualTo("1");

    Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Curie");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();

    read.getNameFirstRep().setFamily("Skłodowska-Curie");
    MethodOutcome updated = client.update().resource(read).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Patient first =
        client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
    assertThat(first.getNameFirstRep().getFamily()).isEqualTo("Curie");
    Patient second = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertThat(second.getNameFirstRep().getFamily()).isEqualTo("Skłodowska-Curie");

    client.delete().resourceById(new IdType("Patient", id.getIdPart())).execute();
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);

    Bundle history =
        client
            .history()
            .onInstance(new IdType("Patient", id.getIdPart()))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(history.getEntry()).hasSize(3);
    assertThat(history.getEntry().get(0).getRequest().getMethod())
        .isEqualTo(Bundle.HTTPVerb.DELETE);
    assertThat(history.getEntry().get(2).getResource()).isInstanceOf(Patient.class);

    Bundle typeHistory =
        client.history().onType(Patient.class).returnBundle(Bundle.class).execute();
    assertThat(typeHistory.getEntry()).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void unknownResourceIs404() {
    assertThatThrownBy(
            () -> client.read().resource(Patient.class).withId("does-not-exist").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void updateAsCreateWithAClientId() {
    Patient patient = patient("Lovelace", "Ada");
    patient.setId("ada-1");
    MethodOutcome outcome = client.update().resource(patient).execute();
    assertThat(outcome.getCreated()).isTrue();
    assertThat(
            client
                .read()
                .resource(Patient.class)
                .withId("ada-1")
                .execute()
                .getNameFirstRep()
                .getGivenAsSingleString())
        .isEqualTo("Ada");
  }

  @Test
  void ifMatchWithAStaleVersionIs412() {
    var id = client.create().resource(patient("Hopper", "Grace")).execute().getId().toUnqualified();
    Patient current = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
    client.update().resource(current).withId(id.getIdPart()).execute();
    current.setId(id.withVersion("1"));
    assertThatThrownBy(
            () ->
                client
                    .update()
                    .resource(current)
                    .withId(id.getIdPart())
                    .withAdditionalHeader("If-Match", "W/\"1\"")
                    .execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void conditionalCreateDoesNotDuplicate() {
    Patient patient = patient("Franklin", "Rosalind");
    MethodOutcome first =
        client
            .create()
            .resource(patient)
            .conditional()
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:mrn", "Franklin-Rosalind"))
            .execute();
    MethodOutcome second =
        client
            .create()
            .resource(patient)
            .conditional()
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:mrn", "Franklin-Rosalind"))
            .execute();
    assertThat(first.getCreated()).isTrue();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    Bundle found =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:mrn", "Franklin-Rosalind"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  @Test
  void searchPagesThroughEveryMatchOnce() {
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(
          client.create().resource(patient("Pager", "P" + i)).execute().getId().getIdPart());
    }
    Bundle page =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.FAMILY.matches().value("pager"))
            .count(3)
            .returnBundle(Bundle.class)
            .execute();
    List<String> seen = new ArrayList<>();
    int pages = 0;
    while (true) {
      pages++;
      page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(7).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(created);
  }

  @Test
  void searchIncludesTheSubjectOfObservations() {
    var patientId =
        client
            .create()
            .resource(patient("Included", "Ivy"))
            .execute()
            .getId()
            .toUnqualifiedVersionless();
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7");
    observation.setSubject(new Reference(patientId.getValue()));
    client.create().resource(observation).execute();
    Bundle bundle =
        client
            .search()
            .forResource(Observation.class)
            .where(Observation.SUBJECT.hasId(patientId.getValue()))
            .include(Observation.INCLUDE_SUBJECT)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(bundle.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactlyInAnyOrder("Observation", "Patient");
  }

  @Test
  void anInvalidResourceIs422WithAnOperationOutcome() {
    Observation noCode = new Observation();
    noCode.setStatus(Observation.ObservationStatus.FINAL);
    assertThatThrownBy(() -> client.create().resource(noCode).execute())
        .isInstanceOfSatisfying(
            UnprocessableEntityException.class,
            e -> {
              OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
              assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Observation.code");
            });
  }

  @Test
  void capabilityStatementDescribesTheServer() {
    CapabilityStatement statement =
        client.capabilities().ofType(CapabilityStatement.class).execute();
    var patient =
        statement.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Patient"))
            .findFirst()
            .orElseThrow();
    assertThat(patient.getSearchParam())
        .extracting(p -> p.getName())
        .contains("identifier", "birthdate", "family");
    assertThat(patient.getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("read", "vread", "create", "update", "delete", "history-instance", "search-type");
  }
}
