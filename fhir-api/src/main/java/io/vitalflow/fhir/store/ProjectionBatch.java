package io.vitalflow.fhir.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.infra.sink.SinkBatch;
import io.vitalflow.schemas.FhirCommandOutcome;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;

/**
 * One projection transaction: every version into the history, the newest version of each resource into the
 * current table (only ever forward: replays and redeliveries are no-ops), the search index, the outcome of
 * every command, and one NOTIFY per command so the API instance waiting for it can answer.
 */
final class ProjectionBatch implements SinkBatch {

  private static final Logger log = LoggerFactory.getLogger(ProjectionBatch.class);

  static final String CHANNEL = "fhir_written";

  private static final String INSERT_HISTORY = """
      insert into fhir_resource_history (res_type, res_id, version_id, last_updated, deleted, resource)
      values (?, ?, ?, ?, ?, ?) on conflict do nothing""";
  private static final String UPSERT_CURRENT = """
      insert into fhir_resource (res_type, res_id, version_id, last_updated, deleted, resource)
      values (?, ?, ?, ?, ?, ?)
      on conflict (res_type, res_id) do update
        set version_id = excluded.version_id, last_updated = excluded.last_updated, deleted = excluded.deleted,
            resource = excluded.resource
        where fhir_resource.version_id < excluded.version_id""";
  private static final String INSERT_REQUEST = """
      insert into fhir_request (request_id, status, res_type, res_id, version_id, message)
      values (?, ?, ?, ?, ?, ?) on conflict do nothing""";

  private final String resourcesTopic;
  private final SearchIndexUpdater index;
  private final List<FhirResourceVersion> versions = new ArrayList<>();
  private final Map<String, FhirResourceVersion> newest = new LinkedHashMap<>();
  private final List<WriteOutcome> outcomes = new ArrayList<>();
  private static final long PRUNE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  private long lastPrune = System.nanoTime();
  private final Counter projected;
  private final Counter undecodable;

  ProjectionBatch(String topicPrefix, SearchIndexUpdater index, MeterRegistry meters) {
    this.resourcesTopic = topicPrefix + Topics.FHIR_RESOURCES.name();
    this.index = index;
    this.projected = meters.counter("vitalflow.fhir.projection.versions");
    this.undecodable = meters.counter("vitalflow.sink.undecodable", "sink", "fhir-projection");
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> record) {
    try {
      if (record.topic().equals(resourcesTopic)) {
        FhirResourceVersion version = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(null,
            record.value());
        versions.add(version);
        newest.put(version.getResourceType() + "/" + version.getResourceId(), version);
        outcomes.add(outcomeOf(version));
      } else {
        FhirCommandOutcome outcome = Topics.FHIR_OUTCOMES.valueSerde().deserializer().deserialize(null,
            record.value());
        outcomes.add(new WriteOutcome(outcome.getRequestId(), outcome.getStatus(), outcome.getResourceType(),
            outcome.getResourceId(), outcome.getVersionId(), null, false, outcome.getMessage()));
      }
    } catch (SerializationException e) {
      undecodable.increment();
      log.warn("Skipped undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
    }
  }

  private static WriteOutcome outcomeOf(FhirResourceVersion version) {
    int status = version.getDeleted() ? 200 : version.getVersionId() == 1 ? 201 : 200;
    return new WriteOutcome(version.getRequestId(), status, version.getResourceType(), version.getResourceId(),
        version.getVersionId(), version.getLastUpdated(), version.getDeleted(), null);
  }

  /**
   * Commits without waiting for the WAL flush: Kafka is the system of record and the offsets commit with the
   * rows, so a transaction lost in a database crash is projected again from the topic.
   */
  @Override
  public void write(Connection connection) throws SQLException {
    try (var statement = connection.createStatement()) {
      statement.execute("set local synchronous_commit = off");
    }
    writeVersions(connection, INSERT_HISTORY, versions);
    writeVersions(connection, UPSERT_CURRENT, newest.values());
    index.replace(connection, newest.values());
    writeRequests(connection);
    notifyWaiters(connection);
    pruneRequests(connection);
  }

  /**
   * Outcome rows serve waiters that missed their notification, which give up after the write timeout:
   * a day of them is plenty. Pruned every few minutes by each projection consumer.
   */
  private void pruneRequests(Connection connection) throws SQLException {
    long now = System.nanoTime();
    if (now - lastPrune < PRUNE_INTERVAL_NANOS) {
      return;
    }
    lastPrune = now;
    try (var statement = connection.createStatement()) {
      int pruned = statement.executeUpdate("delete from fhir_request where completed_at < now() - interval '1 day'");
      if (pruned > 0) {
        log.info("Pruned {} command outcomes older than a day", pruned);
      }
    }
  }

  @Override
  public void committed() {
    projected.increment(versions.size());
  }

  @Override
  public void clear() {
    versions.clear();
    newest.clear();
    outcomes.clear();
  }

  private static void writeVersions(Connection connection, String sql, Iterable<FhirResourceVersion> rows)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int count = 0;
      for (FhirResourceVersion v : rows) {
        statement.setString(1, v.getResourceType());
        statement.setString(2, v.getResourceId());
        statement.setLong(3, v.getVersionId());
        statement.setTimestamp(4, Timestamp.from(v.getLastUpdated()));
        statement.setBoolean(5, v.getDeleted());
        statement.setString(6, v.getResource());
        statement.addBatch();
        count++;
      }
      if (count > 0) {
        statement.executeBatch();
      }
    }
  }

  private void writeRequests(Connection connection) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(INSERT_REQUEST)) {
      for (WriteOutcome o : outcomes) {
        statement.setString(1, o.requestId());
        statement.setInt(2, o.status());
        statement.setString(3, o.resourceType());
        statement.setString(4, o.resourceId());
        if (o.versionId() == null) {
          statement.setNull(5, java.sql.Types.BIGINT);
        } else {
          statement.setLong(5, o.versionId());
        }
        statement.setString(6, o.message());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Notifications are delivered when the transaction commits, never before and never for a rollback. */
  private void notifyWaiters(Connection connection) throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    String[] payloads = outcomes.stream().map(WriteOutcome::toPayload).toArray(String[]::new);
    Array array = connection.createArrayOf("text", payloads);
    try (PreparedStatement statement = connection.prepareStatement(
        "select count(pg_notify('" + CHANNEL + "', p)) from unnest(?) p")) {
      statement.setArray(1, array);
      statement.execute();
    } finally {
      array.free();
    }
  }
}
