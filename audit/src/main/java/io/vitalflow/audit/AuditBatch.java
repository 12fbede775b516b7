package io.vitalflow.audit;

import io.vitalflow.storage.sink.SinkBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One audit sink consumer's buffer: each record is read back into an {@link AuditRecord} (a record
 * that is not refuses to be added, and becomes a dead letter), then the batch is inserted in one
 * statement, its columns only: the AuditEvent is written again from them when searched (the same
 * document, {@link AuditEvents#toJson}), so a row does not carry a kilobyte of JSON. The months of
 * a batch get their partitions first (native layout), once per consumer and month after a commit;
 * an id already stored is skipped.
 */
final class AuditBatch implements SinkBatch {

  /**
   * All rows of a batch in one statement: each column is one array parameter, {@code unnest} makes
   * the rows. One statement per batch instead of one per row (PostgreSQL plans and starts the
   * insert once; the driver binds 13 arrays instead of 13 parameters per row) is most of what
   * storing an event costs the database besides its indexes. The times travel as epoch milliseconds
   * (exact: a record is at millisecond precision); the patients and entities of a row as one
   * comma-separated text each (neither an id nor a reference can hold a comma).
   */
  static final String INSERT =
      "insert into audit_event (recorded, id, service, action, subtype, outcome, status,"
          + " agent_subject, client_id, source_address, patient_ids, entity_refs, request_id)"
          + " select timestamptz 'epoch' + r.ms * interval '1 millisecond', r.id::uuid, r.service,"
          + " r.action, r.subtype, r.outcome, r.status, r.agent, r.client, r.source,"
          + " string_to_array(r.patients, ','), string_to_array(r.entities, ','), r.request"
          + " from unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int2[],"
          + " ?::int2[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " as r(ms, id, service, action, subtype, outcome, status, agent, client, source,"
          + " patients, entities, request)"
          + " on conflict (id, recorded) do nothing";

  private final List<AuditRecord> rows = new ArrayList<>();

  /** Months whose partitions exist (made and committed by this consumer, or found). */
  private final Set<YearMonth> ensured = new HashSet<>();

  /** Months ensured in the open transaction: known only once it commits. */
  private final Set<YearMonth> ensuring = new HashSet<>();

  @Override
  public void add(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("an audit record without a value");
    }
    rows.add(AuditEvents.fromJson(record.value()));
  }

  @Override
  public void write(Connection connection) throws SQLException {
    ensurePartitions(connection);
    if (rows.isEmpty()) {
      return;
    }
    int n = rows.size();
    Long[] recorded = new Long[n];
    String[] ids = new String[n];
    String[] services = new String[n];
    String[] actions = new String[n];
    String[] subtypes = new String[n];
    Short[] outcomes = new Short[n];
    Short[] statuses = new Short[n];
    String[] agents = new String[n];
    String[] clients = new String[n];
    String[] sources = new String[n];
    String[] patients = new String[n];
    String[] entities = new String[n];
    String[] requests = new String[n];
    for (int i = 0; i < n; i++) {
      AuditRecord r = rows.get(i);
      recorded[i] = r.recorded().toEpochMilli();
      ids[i] = r.id().toString();
      services[i] = r.service();
      actions[i] = r.action().code();
      subtypes[i] = r.subtype().code();
      outcomes[i] = (short) r.outcome().code();
      statuses[i] = (short) r.status();
      agents[i] = r.agentSubject();
      clients[i] = r.clientId();
      sources[i] = r.sourceAddress();
      patients[i] = joined(r.patients());
      entities[i] = joined(r.entities());
      requests[i] = r.requestId();
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setArray(1, connection.createArrayOf("int8", recorded));
      insert.setArray(2, connection.createArrayOf("text", ids));
      insert.setArray(3, connection.createArrayOf("text", services));
      insert.setArray(4, connection.createArrayOf("text", actions));
      insert.setArray(5, connection.createArrayOf("text", subtypes));
      insert.setArray(6, connection.createArrayOf("int2", outcomes));
      insert.setArray(7, connection.createArrayOf("int2", statuses));
      insert.setArray(8, connection.createArrayOf("text", agents));
      insert.setArray(9, connection.createArrayOf("text", clients));
      insert.setArray(10, connection.createArrayOf("text", sources));
      insert.setArray(11, connection.createArrayOf("text", patients));
      insert.setArray(12, connection.createArrayOf("text", entities));
      insert.setArray(13, connection.createArrayOf("text", requests));
      insert.executeUpdate();
    }
  }

  /** Ids or references, comma-separated ({@link AuditRecord} refuses a comma in either). */
  static String joined(Collection<String> values) {
    if (values.isEmpty()) {
      return "";
    }
    for (String value : values) {
      if (value.indexOf(',') >= 0) {
        throw new IllegalStateException("an audit id or reference with a comma");
      }
    }
    return String.join(",", values);
  }

  private void ensurePartitions(Connection connection) throws SQLException {
    Set<YearMonth> months = new TreeSet<>();
    for (AuditRecord row : rows) {
      YearMonth month = YearMonth.from(row.recorded().atOffset(ZoneOffset.UTC));
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
