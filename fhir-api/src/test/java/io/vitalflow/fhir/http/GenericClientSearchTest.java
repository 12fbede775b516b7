package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's searches as HAPI's own {@link IGenericClient} builds them: {@code _revinclude}, a
 * chained parameter and {@code _summary=count}, against a server on a real broker and PostgreSQL.
 */
class GenericClientSearchTest {

  private static FhirServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_client_search");
    FhirContext fhir = FhirContext.forR4();
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    client = fhir.newRestfulGenericClient(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A Patient with a unique family name and {@code conditions} Conditions about her. */
  private static IdType patientWith(String family, int conditions) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Search");
    IdType id =
        new IdType(
            client
                .create()
                .resource(patient)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue());
    for (int i = 0; i < conditions; i++) {
      Condition condition = new Condition();
      condition.setSubject(new Reference("Patient/" + id.getIdPart()));
      condition.getCode().setText("condition " + i);
      client.create().resource(condition).execute();
    }
    return id;
  }

  /**
   * The search's Bundle once it satisfies {@code done} (the projection makes writes searchable).
   */
  private static Bundle awaitBundle(Callable<Bundle> search, Predicate<Bundle> done) {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).until(search, done);
  }

  private static List<String> types(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(BundleEntryComponent::getResource)
        .map(resource -> resource.fhirType())
        .toList();
  }

  @Test
  void revincludeBringsTheResourcesThatReferToTheMatches() {
    String family = "Rev" + UUID.randomUUID().toString().substring(0, 8);
    IdType patient = patientWith(family, 2);
    patientWith("Other" + family, 1);

    Bundle bundle =
        awaitBundle(
            () ->
                client
                    .search()
                    .forResource(Patient.class)
                    .where(Patient.FAMILY.matchesExactly().value(family))
                    .revInclude(Condition.INCLUDE_SUBJECT)
                    .returnBundle(Bundle.class)
                    .execute(),
            found -> found.getEntry().size() == 3);

    assertThat(types(bundle)).containsExactlyInAnyOrder("Patient", "Condition", "Condition");
    assertThat(bundle.getEntry())
        .filteredOn(e -> e.getResource() instanceof Condition)
        .allSatisfy(
            e ->
                assertThat(((Condition) e.getResource()).getSubject().getReference())
                    .isEqualTo("Patient/" + patient.getIdPart()));
  }

  @Test
  void aChainedParameterSearchesThroughTheReference() {
    String family = "Chain" + UUID.randomUUID().toString().substring(0, 8);
    patientWith(family, 2);
    patientWith("Else" + family, 3);

    Bundle bundle =
        awaitBundle(
            () ->
                client
                    .search()
                    .forResource(Condition.class)
                    .where(
                        Condition.SUBJECT.hasChainedProperty(
                            Patient.FAMILY.matchesExactly().value(family)))
                    .returnBundle(Bundle.class)
                    .execute(),
            found -> found.getEntry().size() == 2);

    assertThat(types(bundle)).containsOnly("Condition");
  }

  @Test
  void summaryCountAnswersTheTotalWithoutEntries() {
    String family = "Count" + UUID.randomUUID().toString().substring(0, 8);
    IdType patient = patientWith(family, 3);

    Bundle bundle =
        awaitBundle(
            () ->
                client
                    .search()
                    .forResource(Condition.class)
                    .where(Condition.SUBJECT.hasId("Patient/" + patient.getIdPart()))
                    .summaryMode(SummaryEnum.COUNT)
                    .returnBundle(Bundle.class)
                    .execute(),
            found -> found.getTotal() == 3);

    assertThat(bundle.getEntry()).isEmpty();
  }
}
