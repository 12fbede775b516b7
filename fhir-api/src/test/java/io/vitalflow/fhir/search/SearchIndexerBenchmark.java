package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Extraction cost of a typical Patient: a microbenchmark to run by hand, not a timed test. {@code
 * ./mvnw -o -pl fhir-api test -Dtest=SearchIndexerBenchmark -Dbenchmark=true}
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class SearchIndexerBenchmark {

  static final String PATIENT =
      """
      {"resourceType":"Patient","id":"example","meta":{"versionId":"3","lastUpdated":"2024-01-01T00:00:00Z"},
       "identifier":[{"use":"usual","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203",
         "code":"MR"}]},"system":"urn:oid:1.2.36.146.595.217.0.1","value":"12345"},
         {"system":"http://hl7.org/fhir/sid/us-ssn","value":"999-99-9999"}],
       "active":true,
       "name":[{"use":"official","family":"Chalmers","given":["Peter","James"]},
         {"use":"usual","given":["Jim"]},{"use":"maiden","family":"Windsor","given":["Peter","James"]}],
       "telecom":[{"system":"phone","value":"(03) 5555 6473","use":"work"}],
       "gender":"male","birthDate":"1974-12-25",
       "address":[{"use":"home","line":["534 Erewhon St"],"city":"PleasantVille","postalCode":"3999"}],
       "generalPractitioner":[{"reference":"Practitioner/dr1"}],
       "managingOrganization":{"reference":"Organization/1"}}""";

  @Test
  void extractPatient() {
    Patient patient =
        FhirContext.forR4Cached().newJsonParser().parseResource(Patient.class, PATIENT);
    SearchIndexer indexer = new SearchIndexer();
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      int iterations = 1_000_000;
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += indexer.extract(patient).strings().size();
      }
      long elapsed = System.nanoTime() - start;
      System.out.printf(
          "round %d: %.0f ns per Patient extraction (%d entries)%n",
          round, (double) elapsed / iterations, entries(indexer.extract(patient)));
    }
    var parser = FhirContext.forR4Cached().newJsonParser();
    for (int round = 0; round < 3; round++) {
      int iterations = 100_000;
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += parser.parseResource(Patient.class, PATIENT).getName().size();
      }
      System.out.printf(
          "round %d: %.0f ns per Patient JSON parse, for comparison%n",
          round, (double) (System.nanoTime() - start) / iterations);
    }
    System.out.println(sink > 0 ? "" : "-");
  }

  private static int entries(IndexEntries entries) {
    return entries.tokens().size()
        + entries.strings().size()
        + entries.dates().size()
        + entries.references().size();
  }
}
