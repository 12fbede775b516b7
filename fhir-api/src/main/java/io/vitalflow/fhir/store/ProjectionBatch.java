package io.vitalflow.fhir.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.FhirCommandOutcome;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.sink.SinkBatch;
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
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One projection transaction: every version into the history, the newest version of each resource
 * into the current table (only ever forward: replays and redeliveries are no-ops), the search
 * index, the outcome of every command, and one NOTIFY per command so the API instance waiting for
 * it can answer.
 */
final class ProjectionBatch implements SinkBatch {

  private static final Logger log = LoggerFactory.getLogger(ProjectionBatch.class);

  static final String CHANNEL = "fhir_written";

  private static final String INSERT_HISTORY =
      """
      insert into fhir_resource_history (res_type, res_id, version_id, last_updated, deleted, resource)
      values (?, ?, ?, ?, ?, ?) on conflict do nothing""";
  private static final String UPSERT_CURRENT =
      """
      insert into fhir_resource (res_type, res_id, version_id, last_updated, deleted, resource)
      values (?, ?, ?, ?, ?, ?)
      on conflict (res_type, res_id) do update
        set version_id = excluded.version_id, last_updated = excluded.last_updated, deleted = excluded.deleted,
            resource = excluded.resource
        where fhir_resource.version_id < excluded.version_id""";
  private static final String INSERT_REQUEST =
      """
      insert into fhir_request (request_id, status, res_type, res_id, version_id, message)
      values (?, ?, ?, ?, ?, ?) on conflict do nothing""";

  private final String resourcesTopic;
  private final SearchIndexUpdater index;
  private final List<FhirResourceVersion> versions = new ArrayList<>();
  private final Map<String, FhirResourceVersion> newest = new LinkedHashMap<>();
  private final List<WriteOutcome> outcomes = new ArrayList<>();
  private static final long PRUNE_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  private long lastPrune = System.nanoTime();
  private final RecordTracing tracing;

  /** Headers of the buffered records that carry a trace (none unless tracing is on). */
  private final List<Headers> traced = new ArrayList<>();

  private final Counter projected;
  private final Counter undecodable;
  private final Counter setAside;

  ProjectionBatch(String topicPrefix, SearchIndexUpdater index, MeterRegistry meters) {
    this(topicPrefix, index, meters, RecordTracing.OFF);
  }

  /**
   * @param tracing one span per written batch, child of the first traced record's context and
   *     linking the others' (docs/observability.md, "Tracing")
   */
  ProjectionBatch(
      String topicPrefix, SearchIndexUpdater index, MeterRegistry meters, RecordTracing tracing) {
    this.tracing = tracing;
    this.resourcesTopic = topicPrefix + Topics.FHIR_RESOURCES.name();
    this.index = index;
    this.projected = meters.counter("vitalflow.fhir.projection.versions");
    this.undecodable = meters.counter("vitalflow.sink.undecodable", "sink", "fhir-projection");
    this.setAside = meters.counter("vitalflow.fhir.projection.failed.writes");
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> record) {
    if (tracing.carriesTrace(record.headers())) {
      traced.add(record.headers());
    }
    try {
      if (record.topic().equals(resourcesTopic)) {
        FhirResourceVersion version =
            Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(null, record.value());
        versions.add(version);
        newest.put(version.getResourceType() + "/" + version.getResourceId(), version);
        outcomes.add(outcomeOf(version));
      } else {
        FhirCommandOutcome outcome =
            Topics.FHIR_OUTCOMES.valueSerde().deserializer().deserialize(null, record.value());
        outcomes.add(
            new WriteOutcome(
                outcome.getRequestId(),
                outcome.getStatus(),
                outcome.getResourceType(),
                outcome.getResourceId(),
                outcome.getVersionId(),
                null,
                false,
                outcome.getMessage()));
      }
    } catch (SerializationException e) {
      undecodable.increment();
      log.warn(
          "Skipped undecodable record {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  private static WriteOutcome outcomeOf(FhirResourceVersion version) {
    int status = version.getDeleted() ? 200 : version.getVersionId() == 1 ? 201 : 200;
    return new WriteOutcome(
        version.getRequestId(),
        status,
        version.getResourceType(),
        version.getResourceId(),
        version.getVersionId(),
        version.getLastUpdated(),
        version.getDeleted(),
        null);
  }

  /**
   * Commits without waiting for the WAL flush: Kafka is the system of record and the offsets commit
   * with the rows, so a transaction lost in a database crash is projected again from the topic.
   */
  @Override
  public void write(Connection connection) throws SQLException {
    Span span = tracing.startBatch("fhir projection write", Span.Kind.CONSUMER, traced);
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      project(connection);
    } catch (SQLException | RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }

  private void project(Connection connection) throws SQLException {
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
   * Outcome rows serve waiters that missed their notification, which give up after the write
   * timeout: a day of them is plenty. Pruned every few minutes by each projection consumer.
   */
  private void pruneRequests(Connection connection) throws SQLException {
    long now = System.nanoTime();
    if (now - lastPrune < PRUNE_INTERVAL_NANOS) {
      return;
    }
    lastPrune = now;
    try (var statement = connection.createStatement()) {
      int pruned =
          statement.executeUpdate(
              "delete from fhir_request where completed_at < now() - interval '1 day'");
      if (pruned > 0) {
        log.info("Pruned {} command outcomes older than a day", pruned);
      }
    }
  }

  /**
   * The sink set a record aside (it failed on its own with a deterministic error, e.g. a value the
   * database cannot hold) and sent it to the dead-letter topic. The client waiting for that write
   * learns it now instead of getting a 202 after the write timeout: its outcome is a 500 ({@value
   * #NOT_STORED}, with the reason), written to {@code fhir_request} and announced with {@code
   * NOTIFY} like every outcome, in the transaction that moves the offsets past the record. Nothing
   * else of the version is written: no history, no current row, no index rows, so the resource
   * stays as it was before (its previous version, or absent). A record this batch still buffers is
   * dropped from the buffers first, so a {@link #write} later in the same transaction cannot store
   * it after all.
   */
  @Override
  public void deadLettered(
      ConsumerRecord<byte[], byte[]> record, String reason, Connection connection)
      throws SQLException {
    WriteOutcome failed;
    try {
      failed = failedOutcome(record, reason);
    } catch (SerializationException e) {
      // undecodable: there is no request id, so nobody to tell
      log.warn(
          "Projection set aside undecodable record {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
      return;
    }
    forget(failed.requestId());
    if (failed.requestId().length() > MAX_ID_LENGTH) {
      // not one of ours (request ids are UUIDs), and too long to be a key: nobody waits for it
      log.warn(
          "Projection set aside {}-{}@{} without an outcome: its request id is not one of ours",
          record.topic(),
          record.partition(),
          record.offset());
      return;
    }
    insertRequests(connection, List.of(failed));
    notify(connection, List.of(failed));
    setAside.increment();
    log.warn(
        "Projection set aside {}-{}@{} (a {} of {}): {}; its writer gets a 500",
        record.topic(),
        record.partition(),
        record.offset(),
        record.topic().equals(resourcesTopic) ? "version" : "command outcome",
        failed.resourceType(),
        bounded(reason));
  }

  static final String NOT_STORED = "The resource version could not be stored";

  /**
   * Longest type or id an outcome of a set-aside record carries: the hook itself must never fail on
   * the values of the record it reports (a NOTIFY payload holds at most 8,000 bytes, an index entry
   * about 2,700).
   */
  private static final int MAX_ID_LENGTH = 200;

  private WriteOutcome failedOutcome(ConsumerRecord<byte[], byte[]> record, String reason) {
    String message =
        NOT_STORED
            + " ("
            + bounded(reason)
            + "); nothing of it was written and it was set aside for"
            + " operators ("
            + record.topic()
            + "-"
            + record.partition()
            + "@"
            + record.offset()
            + ")";
    if (record.topic().equals(resourcesTopic)) {
      FhirResourceVersion v =
          Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(null, record.value());
      return new WriteOutcome(
          v.getRequestId(),
          500,
          cut(v.getResourceType()),
          cut(v.getResourceId()),
          null,
          null,
          false,
          message);
    }
    FhirCommandOutcome o =
        Topics.FHIR_OUTCOMES.valueSerde().deserializer().deserialize(null, record.value());
    return new WriteOutcome(
        o.getRequestId(),
        500,
        cut(o.getResourceType()),
        cut(o.getResourceId()),
        null,
        null,
        false,
        message);
  }

  private static String cut(String value) {
    return value.length() <= MAX_ID_LENGTH ? value : value.substring(0, MAX_ID_LENGTH);
  }

  /** Drops what this batch buffers of a set-aside record. */
  private void forget(String requestId) {
    outcomes.removeIf(o -> o.requestId().equals(requestId));
    if (versions.removeIf(v -> v.getRequestId().equals(requestId))) {
      newest.clear();
      for (FhirResourceVersion v : versions) {
        newest.put(v.getResourceType() + "/" + v.getResourceId(), v);
      }
    }
  }

  /**
   * A reason names a failure (SQLState, exception class): at most 200 characters, one line, no
   * tabs.
   */
  private static String bounded(String reason) {
    String line = reason == null ? "unknown" : reason.replaceAll("[\\t\\r\\n]+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  @Override
  public void committed() {
    projected.increment(versions.size());
  }

  @Override
  public void clear() {
    traced.clear();
    versions.clear();
    newest.clear();
    outcomes.clear();
  }

  private static void writeVersions(
      Connection connection, String sql, Iterable<FhirResourceVersion> rows) throws SQLException {
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
    insertRequests(connection, outcomes);
  }

  private static void insertRequests(Connection connection, List<WriteOutcome> outcomes)
      throws SQLException {
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

  /**
   * Notifications are delivered when the transaction commits, never before and never for a
   * rollback.
   */
  private void notifyWaiters(Connection connection) throws SQLException {
    notify(connection, outcomes);
  }

  private static void notify(Connection connection, List<WriteOutcome> outcomes)
      throws SQLException {
    if (outcomes.isEmpty()) {
      return;
    }
    String[] payloads = outcomes.stream().map(WriteOutcome::toPayload).toArray(String[]::new);
    Array array = connection.createArrayOf("text", payloads);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select count(pg_notify('" + CHANNEL + "', p)) from unnest(?) p")) {
      statement.setArray(1, array);
      statement.execute();
    } finally {
      array.free();
    }
  }
}
