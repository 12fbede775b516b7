package io.vitalflow.loadgen.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class FhirPatientsTest {

  private final IParser strict =
      FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(new StrictErrorHandler());

  @Test
  void patientsAreStrictlyValidR4WithTheRealisticParts() {
    FhirPatients patients = new FhirPatients("T-", new SplittableRandom(3));
    for (int n = 0; n < 500; n++) {
      Patient patient = strict.parseResource(Patient.class, patients.patient(n));
      assertThat(patient.getIdentifierFirstRep().getSystem())
          .isEqualTo(FhirPatients.IDENTIFIER_SYSTEM);
      assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("T-" + n);
      assertThat(patient.getNameFirstRep().getFamily()).isNotBlank();
      assertThat(patient.getNameFirstRep().getGiven()).hasSize(1);
      assertThat(patient.getGender()).isNotNull();
      assertThat(patient.getBirthDate()).isNotNull();
      assertThat(patient.getTelecom()).hasSize(2);
      assertThat(patient.getAddressFirstRep().getCity()).isNotBlank();
      assertThat(
              patient.getContactFirstRep().getRelationshipFirstRep().getCodingFirstRep().getCode())
          .isIn("N", "C");
    }
  }

  @Test
  void batchBundleCreatesEachPatientWithPost() {
    String json = new FhirPatients("B-", new SplittableRandom(4)).batch(1000, 25);
    Bundle bundle = strict.parseResource(Bundle.class, json);
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.BATCH);
    assertThat(bundle.getEntry())
        .hasSize(25)
        .allSatisfy(
            entry -> {
              assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
              assertThat(entry.getRequest().getUrl()).isEqualTo("Patient");
              assertThat(entry.getResource()).isInstanceOf(Patient.class);
            });
    assertThat(
            ((Patient) bundle.getEntry().get(24).getResource()).getIdentifierFirstRep().getValue())
        .isEqualTo("B-1024");
  }

  @Test
  void readsPatientIdsFromBatchResponseLocations() {
    String response =
        """
        {"resourceType":"Bundle","type":"batch-response","entry":[
          {"response":{"status":"201 Created","location":"Patient/17/_history/1"}},
          {"response":{"status":"400 Bad Request","outcome":{"resourceType":"OperationOutcome"}}},
          {"response" : {"status":"201", "location" : "http://h:8082/fhir/Patient/a-b.c/_history/3"}},
          {"response":{"status":"201","location":"Observation/5/_history/1"}}]}""";
    List<String> ids = new ArrayList<>();
    FhirBenchmark.collectPatientIds(response, ids);
    assertThat(ids).containsExactly("17", "a-b.c");
    assertThat(FhirBenchmark.patientId("Patient/42")).isEqualTo("42");
    assertThat(FhirBenchmark.patientId("Patient/")).isNull();
  }
}
