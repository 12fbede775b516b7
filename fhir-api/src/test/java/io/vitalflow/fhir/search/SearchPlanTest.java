package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The search queries use the index tables' indexes on a few thousand analysed resources (3,000
 * patients, 9,000 observations): no sequential scan of an index table or of fhir_resource.
 */
class SearchPlanTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static SearchDatabase database;

  @BeforeAll
  static void load() throws Exception {
    database = new SearchDatabase("search-plan");
    List<Resource> batch = new ArrayList<>();
    String[] families = {
      "Smith", "Jones", "Müller", "García", "Nguyen", "Kowalski", "Okafor", "Rossi", "Tanaka"
    };
    for (int i = 0; i < 3000; i++) {
      Patient patient = new Patient();
      patient.setId("p" + i);
      patient.addIdentifier().setSystem("urn:mrn").setValue("mrn" + i);
      patient.addName().setFamily(families[i % families.length] + i).addGiven("Given" + i);
      patient.setBirthDateElement(
          new DateType(String.format("%04d-%02d-%02d", 1930 + i % 80, 1 + i % 12, 1 + i % 28)));
      batch.add(patient);
      for (int j = 0; j < 3; j++) {
        Observation observation = new Observation();
        observation.setId("o" + i + "-" + j);
        observation.setSubject(new Reference("Patient/p" + i));
        observation.setCode(
            new CodeableConcept()
                .addCoding(new Coding("http://loinc.org", "code" + (i % 50), null)));
        observation.setEffective(
            new DateTimeType(
                String.format("2023-%02d-%02dT%02d:00:00Z", 1 + (i + j) % 12, 1 + i % 28, j)));
        batch.add(observation);
      }
      if (batch.size() >= 2000) {
        database.store(T0.plusSeconds(i), batch.toArray(Resource[]::new));
        batch.clear();
      }
    }
    database.store(T0, batch.toArray(Resource[]::new));
    try (Connection connection = database.jdbc();
        Statement statement = connection.createStatement()) {
      statement.execute("analyze");
    }
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @ParameterizedTest(name = "{0}?{1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "Patient; identifier=urn:mrn|mrn42; fhir_search_token_lookup",
        "Patient; identifier=mrn42; fhir_search_token_lookup",
        "Patient; family=smith1; fhir_search_string_lookup",
        "Patient; name:exact=Smith9; fhir_search_string_lookup",
        "Patient; birthdate=1950-03-03; fhir_search_date_lookup",
        "Patient; birthdate=gt2009-06-01; fhir_search_date_high",
        "Patient; birthdate=sa2009-06; fhir_search_date_lookup",
        "Patient; birthdate=ne1950&family=smith1; fhir_search_string_lookup",
        "Patient; _id=p1,p2; fhir_resource_pkey",
        "Observation; patient=Patient/p42; fhir_search_reference_lookup",
        "Observation; subject=p42&_sort=-date; fhir_search_date_resource",
        "Observation; code=http://loinc.org|code7&date=ge2023-12-20; fhir_search_token_lookup",
        "Observation; _lastUpdated=lt2024-01-01T00:00:05Z; fhir_resource_type_updated"
      })
  void usesTheIndexes(String type, String query, String expectedIndex) {
    SearchQuery compiled = SearchQuery.compile(type, ResourceSearchTest.parse(query), true, T0);
    Map<String, Object> binds = new LinkedHashMap<>(compiled.binds());
    binds.put("pageLimit", 21L);
    binds.put("pageOffset", 0L);
    String plan = explain(ResourceSearch.pageSql(compiled), binds);
    System.out.println(type + "?" + query + "\n" + plan);
    assertThat(plan).contains(expectedIndex).doesNotContain("Seq Scan");
  }

  @ParameterizedTest(name = "include {0}")
  @CsvSource({"subject"})
  void includeUsesTheResourceIndex(String param) {
    Map<String, Object> binds = new LinkedHashMap<>();
    binds.put("type", "Observation");
    binds.put("ids", new String[] {"o1-0", "o2-1", "o3-2"});
    String plan =
        explain(
            ResourceSearch.includeSql(List.of(new SearchQuery.Include(param, null)), binds), binds);
    System.out.println("_include=Observation:" + param + "\n" + plan);
    assertThat(plan).contains("fhir_search_reference_resource").doesNotContain("Seq Scan");
  }

  private static String explain(String sql, Map<String, Object> binds) {
    var spec = database.client().sql("explain " + sql);
    for (Map.Entry<String, Object> bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return String.join("\n", spec.map(row -> row.get(0, String.class)).all().collectList().block());
  }
}
