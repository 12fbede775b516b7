package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.search.IndexEntries.DateRange;
import io.vitalflow.fhir.search.IndexEntries.Reference;
import io.vitalflow.fhir.search.IndexEntries.Text;
import io.vitalflow.fhir.search.IndexEntries.Token;
import io.vitalflow.schemas.FhirDates;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SearchIndexWriterTest {

  private static SearchDatabase database;
  private final SearchIndexWriter writer = new SearchIndexWriter();

  @BeforeAll
  static void open() {
    database = new SearchDatabase("index-writer");
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void replacesTheRowsOfEachResourceAndLeavesOthersAlone() throws Exception {
    IndexEntries first = entries("a", "1970");
    IndexEntries second = entries("b", "1980");
    write(
        List.of(
            new IndexedResource("Patient", "x", first),
            new IndexedResource("Patient", "y", first),
            new IndexedResource("Observation", "x", first)));
    assertThat(rows("Patient", "x")).isEqualTo(4);

    write(List.of(new IndexedResource("Patient", "x", second)));
    assertThat(
            database.count(
                "select count(*) from fhir_search_string where res_type = 'Patient' and res_id = 'x'"
                    + " and value = 'b' and exact = 'B'"))
        .isEqualTo(1);
    assertThat(
            database.count(
                "select count(*) from fhir_search_string where res_type = 'Patient' and res_id = 'x'"
                    + " and value = 'a'"))
        .isZero();
    assertThat(
            database.count(
                "select count(*) from fhir_search_date where res_id = 'x' and res_type = 'Patient'"
                    + " and low = '1980-01-01T00:00:00Z' and high = '1980-12-31T23:59:59.999Z'"))
        .isEqualTo(1);
    assertThat(
            database.count(
                "select count(*) from fhir_search_token where res_type = 'Patient' and res_id = 'x' and system is null"))
        .isEqualTo(1);
    assertThat(rows("Patient", "x")).isEqualTo(4);
    assertThat(rows("Patient", "y")).isEqualTo(4);
    assertThat(rows("Observation", "x")).isEqualTo(4);

    write(
        List.of(
            new IndexedResource("Patient", "y", null),
            new IndexedResource("Observation", "x", IndexEntries.EMPTY)));
    assertThat(rows("Patient", "y")).isZero();
    assertThat(rows("Observation", "x")).isZero();
    assertThat(rows("Patient", "x")).isEqualTo(4);
  }

  @Test
  void doesNotCommit() throws Exception {
    try (Connection connection = database.jdbc()) {
      connection.setAutoCommit(false);
      writer.replace(
          connection, List.of(new IndexedResource("Patient", "rolled-back", entries("c", "1990"))));
      connection.rollback();
    }
    assertThat(rows("Patient", "rolled-back")).isZero();
  }

  private void write(List<IndexedResource> batch) throws Exception {
    try (Connection connection = database.jdbc()) {
      connection.setAutoCommit(false);
      writer.replace(connection, batch);
      connection.commit();
    }
  }

  private static long rows(String type, String id) {
    long total = 0;
    for (String table :
        List.of(
            "fhir_search_token",
            "fhir_search_string",
            "fhir_search_date",
            "fhir_search_reference")) {
      total +=
          database.count(
              "select count(*) from "
                  + table
                  + " where res_type = '"
                  + type
                  + "' and res_id = '"
                  + id
                  + "'");
    }
    return total;
  }

  private static IndexEntries entries(String name, String year) {
    FhirDates.Range range = FhirDates.parse(year);
    return new IndexEntries(
        List.of(new Token("identifier", null, name)),
        List.of(new Text("name", name, name.toUpperCase(java.util.Locale.ROOT))),
        List.of(new DateRange("birthdate", range.low(), range.high())),
        List.of(new Reference("organization", "Organization", name)));
  }
}
