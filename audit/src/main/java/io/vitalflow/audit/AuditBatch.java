package io.vitalflow.audit;

import io.vitalflow.storage.sink.SinkBatch;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One audit sink consumer's buffer: each record is read back into an {@link AuditRecord} (a record
 * that is not refuses to be added, and becomes a dead letter), then inserted with its JSON as
 * produced. The months of a batch get their partitions first (native layout), once per consumer and
 * month after a commit; an id already stored is skipped.
 */
final class AuditBatch implements SinkBatch {

  private static final String INSERT =
      "insert into audit_event (recorded, id, service, action, subtype, outcome, status,"
          + " agent_subject, client_id, source_address, patient_ids, entity_refs, request_id,"
          + " resource) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " on conflict (id, recorded) do nothing";

  private record Row(AuditRecord record, String json) {}

  private final List<Row> rows = new ArrayList<>();

  /** Months whose partitions exist (made and committed by this consumer, or found). */
  private final Set<YearMonth> ensured = new HashSet<>();

  /** Months ensured in the open transaction: known only once it commits. */
  private final Set<YearMonth> ensuring = new HashSet<>();

  @Override
  public void add(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("an audit record without a value");
    }
    String json = new String(record.value(), StandardCharsets.UTF_8);
    rows.add(new Row(AuditEvents.fromJson(json), json));
  }

  @Override
  public void write(Connection connection) throws SQLException {
    ensurePartitions(connection);
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (Row row : rows) {
        AuditRecord r = row.record();
        insert.setObject(1, OffsetDateTime.ofInstant(r.recorded(), ZoneOffset.UTC));
        insert.setObject(2, r.id());
        insert.setString(3, r.service());
        insert.setString(4, r.action().code());
        insert.setString(5, r.subtype().code());
        insert.setShort(6, (short) r.outcome().code());
        insert.setShort(7, (short) r.status());
        nullable(insert, 8, r.agentSubject());
        nullable(insert, 9, r.clientId());
        nullable(insert, 10, r.sourceAddress());
        insert.setArray(11, connection.createArrayOf("text", r.patients().toArray()));
        insert.setArray(12, connection.createArrayOf("text", r.entities().toArray()));
        nullable(insert, 13, r.requestId());
        insert.setString(14, row.json());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void ensurePartitions(Connection connection) throws SQLException {
    Set<YearMonth> months = new TreeSet<>();
    for (Row row : rows) {
      YearMonth month = YearMonth.from(row.record().recorded().atOffset(ZoneOffset.UTC));
      if (!ensured.contains(month)) {
        months.add(month);
      }
    }
    for (YearMonth month : months) {
      try (PreparedStatement statement =
          connection.prepareStatement("select vitalflow_audit_ensure_partitions(?, ?)")) {
        LocalDate first = month.atDay(1);
        statement.setObject(1, first);
        statement.setObject(2, first.plusMonths(1));
        statement.execute();
      }
      ensuring.add(month);
    }
  }

  private static void nullable(PreparedStatement statement, int index, String value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  @Override
  public void committed() {
    ensured.addAll(ensuring);
  }

  @Override
  public void clear() {
    rows.clear();
    ensuring.clear();
  }
}
