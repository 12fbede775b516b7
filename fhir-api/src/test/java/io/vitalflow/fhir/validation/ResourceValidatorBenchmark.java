package io.vitalflow.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.patch.JsonPatch;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * What the validator costs: loading once, then one validation of a Patient and of a vital-signs
 * Observation; and one JSON Patch over a stored Patient, for comparison. A benchmark to run by
 * hand, not a timed test: {@code ./mvnw -o -pl fhir-api test -Dtest=ResourceValidatorBenchmark
 * -Dbenchmark=true}
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ResourceValidatorBenchmark {

  static final String PATIENT =
      """
      {"resourceType":"Patient","id":"example","identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1",
       "value":"12345"}],"active":true,"name":[{"use":"official","family":"Chalmers","given":["Peter","James"]}],
       "telecom":[{"system":"phone","value":"(03) 5555 6473","use":"work"}],"gender":"male",
       "birthDate":"1974-12-25","address":[{"use":"home","line":["534 Erewhon St"],"city":"PleasantVille"}]}""";

  static final String OBSERVATION =
      """
      {"resourceType":"Observation","status":"final","category":[{"coding":[{"system":
       "http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
       "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
       "subject":{"reference":"Patient/example"},"effectiveDateTime":"2026-01-01T10:00:00Z",
       "valueQuantity":{"value":72,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}}""";

  @Test
  void validate() {
    FhirContext fhir = FhirContext.forR4Cached();
    long start = System.nanoTime();
    // the defaults, as Spring binds them (validate-on-write off: loaded on first use)
    ResourceValidator validator =
        new ResourceValidator(
            new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("vitalflow.fhir", FhirProperties.class));
    Patient patient = fhir.newJsonParser().parseResource(Patient.class, PATIENT);
    Observation observation = fhir.newJsonParser().parseResource(Observation.class, OBSERVATION);
    validator.validate(patient).block();
    System.out.printf(
        "load and first validation: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    for (var resource : List.of(patient, observation)) {
      for (int round = 0; round < 3; round++) {
        int iterations = 200;
        long t = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
          validator.validate(resource).block();
        }
        System.out.printf(
            "round %d: %.2f ms per %s validation%n",
            round, (System.nanoTime() - t) / 1e6 / iterations, resource.fhirType());
      }
    }
    String patch = "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"female\"}]";
    for (int round = 0; round < 3; round++) {
      int iterations = 20_000;
      long t = System.nanoTime();
      int sink = 0;
      for (int i = 0; i < iterations; i++) {
        sink += JsonPatch.apply(patch, PATIENT).length();
      }
      System.out.printf(
          "round %d: %.1f us per JSON Patch of a Patient (%d)%n",
          round, (System.nanoTime() - t) / 1e3 / iterations, sink % 10);
    }
  }
}
