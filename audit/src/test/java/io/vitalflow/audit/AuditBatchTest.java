package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * One batch of the audit sink, written in one statement on a real PostgreSQL: every column of every
 * row as the record says (empty lists, absent values, two months), and an event given twice stored
 * once.
 */
class AuditBatchTest {

  private final PostgresCoordinates database = LocalStack.shared().freshDatabase("audit_batch");

  @Test
  void aBatchIsStoredRowByRowWithEveryColumnAndEachIdOnce() throws Exception {
    AuditRecord full =
        AuditRecord.builder("fhir-api", AuditSubtype.SEARCH_TYPE)
            .recorded(Instant.parse("2026-11-30T23:59:59.999Z"))
            .status(200)
            .agent("nurse.ana", "ward-dashboard")
            .source("10.0.0.7")
            .patient("p-1")
            .patient("p-2")
            .entity("Observation")
            .entity("Observation/o-1/_history/3")
            .requestId("req-1")
            .build();
    AuditRecord bare =
        AuditRecord.builder("fhir-api", AuditSubtype.AUTHENTICATION)
            .recorded(Instant.parse("2026-12-01T00:00:00.001Z"))
            .status(401)
            .build();
    AuditBatch batch = new AuditBatch();
    for (AuditRecord record : List.of(full, bare, full)) {
      batch.add(record(record));
    }

    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.write(connection);
      connection.commit();
    }

    assertThat(count("select count(*) from audit_event")).isEqualTo(2);
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("select * from audit_event order by recorded")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getObject("id")).isEqualTo(full.id());
      assertThat(row.getTimestamp("recorded").toInstant()).isEqualTo(full.recorded());
      assertThat(row.getString("service")).isEqualTo("fhir-api");
      assertThat(row.getString("action")).isEqualTo("E");
      assertThat(row.getString("subtype")).isEqualTo("search-type");
      assertThat(row.getInt("outcome")).isZero();
      assertThat(row.getInt("status")).isEqualTo(200);
      assertThat(row.getString("agent_subject")).isEqualTo("nurse.ana");
      assertThat(row.getString("client_id")).isEqualTo("ward-dashboard");
      assertThat(row.getString("source_address")).isEqualTo("10.0.0.7");
      assertThat((String[]) row.getArray("patient_ids").getArray()).containsExactly("p-1", "p-2");
      assertThat((String[]) row.getArray("entity_refs").getArray())
          .containsExactly("Observation", "Observation/o-1/_history/3");
      assertThat(row.getString("request_id")).isEqualTo("req-1");

      assertThat(row.next()).isTrue();
      assertThat(row.getObject("id")).isEqualTo(bare.id());
      assertThat(row.getTimestamp("recorded").toInstant()).isEqualTo(bare.recorded());
      assertThat(row.getString("subtype")).isEqualTo("authentication");
      assertThat(row.getInt("outcome")).isEqualTo(4);
      assertThat(row.getInt("status")).isEqualTo(401);
      assertThat(row.getString("agent_subject")).isNull();
      assertThat(row.getString("client_id")).isNull();
      assertThat(row.getString("source_address")).isNull();
      assertThat((String[]) row.getArray("patient_ids").getArray()).isEmpty();
      assertThat((String[]) row.getArray("entity_refs").getArray()).isEmpty();
      assertThat(row.getString("request_id")).isNull();
      assertThat(row.next()).isFalse();
    }
  }

  /**
   * What each stored event costs the database is mostly its index entries (docs/storage.md): the
   * time-ordered key serves dates, paging and repeats (V12), and only patient, agent and client
   * have an index of their own.
   */
  @Test
  void eachEventHasFourIndexEntriesAndTheKeyIsInTimeOrder() throws Exception {
    List<String> indexes = new java.util.ArrayList<>();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select indexname, indexdef from pg_indexes where tablename = 'audit_event'"
                    + " order by indexname")) {
      while (row.next()) {
        indexes.add(row.getString(1) + " " + row.getString(2).replaceFirst("^.* USING ", "USING "));
      }
    }
    assertThat(indexes)
        .containsExactly(
            "audit_event_agent USING btree (agent_subject, recorded DESC)",
            "audit_event_client USING btree (client_id, recorded DESC)",
            "audit_event_patient USING gin (patient_ids)",
            "audit_event_pkey USING btree (recorded, id)");
  }

  @Test
  void aRecordThatIsNotAnAuditEventIsNotAdded() {
    AuditBatch batch = new AuditBatch();
    assertThatThrownBy(
            () ->
                batch.add(
                    new ConsumerRecord<>(
                        "audit.v1", 0, 0, null, "{\"resourceType\":\"Patient\"}".getBytes())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ConsumerRecord<byte[], byte[]> record(AuditRecord record) {
    return new ConsumerRecord<>(
        "audit.v1",
        0,
        0,
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
        AuditEvents.toJson(record).getBytes(StandardCharsets.UTF_8));
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
