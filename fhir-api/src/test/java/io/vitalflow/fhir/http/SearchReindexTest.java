package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.FhirHttp.json;
import static io.vitalflow.fhir.http.FhirHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.fhir.search.SearchIndexVersion;
import io.vitalflow.fhir.search.SearchIndexWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * When a new build indexes another set of search parameters than the index holds, it rebuilds the
 * index from the current resources in the background: resources written before the change become
 * findable by every parameter, without replaying the topic and while the server answers.
 */
class SearchReindexTest {

  @Test
  void anIndexOfAnotherParameterSetIsRebuiltInTheBackground() throws Exception {
    FhirServer first = FhirServer.start("fhir_reindex");
    try {
      FhirHttp http = new FhirHttp(first.base);
      for (int i = 0; i < 5; i++) {
        Patient patient = new Patient();
        patient.addName().setFamily("Reindexed").addGiven("P" + i);
        assertThat(http.post("/Patient", json(patient)).statusCode()).isEqualTo(201);
      }
      assertThat(found(http)).isEqualTo(5);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> indexedSet(first).equals(SearchIndexVersion.current()));
    } finally {
      first.close();
    }

    // what an index built by an older build looks like: rows missing, another fingerprint
    try (Connection connection = first.database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : SearchIndexWriter.TABLES) {
        statement.execute("delete from " + table + " where res_type = 'Patient'");
      }
      statement.execute(
          "update fhir_index_state set indexed_set = 'an-older-build', target_set = null");
    }

    FhirServer unchanged =
        FhirServer.start(
            first.database,
            first.topicPrefix,
            "fhir_reindex",
            "--vitalflow.fhir.reindex-enabled=false");
    try {
      assertThat(found(new FhirHttp(unchanged.base)))
          .as("without the rebuild, the old rows answer (nothing replays the topic)")
          .isZero();
    } finally {
      unchanged.close();
    }

    FhirServer rebuilt =
        FhirServer.start(
            first.database, first.topicPrefix, "fhir_reindex", "--vitalflow.fhir.reindex-batch=2");
    try {
      FhirHttp http = new FhirHttp(rebuilt.base);
      await().atMost(Duration.ofSeconds(60)).until(() -> found(http) == 5);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> indexedSet(rebuilt).equals(SearchIndexVersion.current()));
      try (Connection connection = rebuilt.database.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet state =
              statement.executeQuery(
                  "select target_set, cursor_type, reindexed from fhir_index_state")) {
        assertThat(state.next()).isTrue();
        assertThat(state.getString("target_set")).isNull();
        assertThat(state.getString("cursor_type")).isNull();
        assertThat(state.getLong("reindexed")).as("every Patient, in batches of two").isEqualTo(5);
      }
    } finally {
      rebuilt.close();
    }
  }

  private static int found(FhirHttp http) {
    return parse(Bundle.class, http.get("/Patient?family=Reindexed&_count=50")).getEntry().size();
  }

  private static String indexedSet(FhirServer server) throws SQLException {
    try (Connection connection = server.database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select indexed_set from fhir_index_state where target_set is null")) {
      return row.next() ? row.getString(1) : "";
    }
  }
}
