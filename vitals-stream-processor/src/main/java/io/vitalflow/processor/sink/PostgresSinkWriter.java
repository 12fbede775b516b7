package io.vitalflow.processor.sink;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;

/**
 * Writes a {@link SinkBatch} in one transaction: COPY for raw readings, batched upserts for window
 * aggregates, and the consumer offsets last. Either all of it is stored or none.
 */
final class PostgresSinkWriter {

  private static final String COPY_READINGS = "copy vital_reading (patient_id, code, effective_time, value, unit, "
      + "device_id, reading_id, received_at, stored_at) from stdin (format binary)";

  private static final String UPSERT_AGGREGATE = """
      insert into %s (patient_id, code, window_start, window_end, unit, count, min, max, sum, mean, last, last_time)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (patient_id, code, window_start) do update
        set window_end = excluded.window_end, unit = excluded.unit, count = excluded.count, min = excluded.min,
            max = excluded.max, sum = excluded.sum, mean = excluded.mean, last = excluded.last,
            last_time = excluded.last_time""";

  private static final String UPSERT_OFFSET = """
      insert into kafka_consumer_offset (consumer_group, topic, partition, next_offset, updated_at)
      values (?, ?, ?, ?, now())
      on conflict (consumer_group, topic, partition) do update
        set next_offset = excluded.next_offset, updated_at = excluded.updated_at""";

  private final String consumerGroup;

  PostgresSinkWriter(String consumerGroup) {
    this.consumerGroup = consumerGroup;
  }

  /** Stores the batch and its offsets atomically; the caller rolls back and re-seeks on failure. */
  void write(Connection connection, SinkBatch batch, Instant storedAt) throws SQLException, IOException {
    connection.setAutoCommit(false);
    try {
      copyReadings(connection, batch, storedAt);
      upsertAggregates(connection, "vital_aggregate_1m", batch.minuteAggregates());
      upsertAggregates(connection, "vital_aggregate_1h", batch.hourAggregates());
      storeOffsets(connection, batch.nextOffsets());
      connection.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  /** The next offset to read per partition, as last committed with the data. */
  Map<TopicPartition, Long> storedOffsets(Connection connection, Collection<TopicPartition> partitions)
      throws SQLException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    connection.setAutoCommit(true);
    try (PreparedStatement statement = connection.prepareStatement(
        "select next_offset from kafka_consumer_offset where consumer_group = ? and topic = ? and partition = ?")) {
      for (TopicPartition partition : partitions) {
        statement.setString(1, consumerGroup);
        statement.setString(2, partition.topic());
        statement.setInt(3, partition.partition());
        try (ResultSet result = statement.executeQuery()) {
          if (result.next()) {
            offsets.put(partition, result.getLong(1));
          }
        }
      }
    }
    return offsets;
  }

  private static void copyReadings(Connection connection, SinkBatch batch, Instant storedAt)
      throws SQLException, IOException {
    if (batch.readings().isEmpty()) {
      return;
    }
    BinaryCopy rows = new BinaryCopy(batch.readings().size() * 192);
    long stored = BinaryCopy.timestamp(storedAt);
    for (VitalSign reading : batch.readings()) {
      rows.startRow(9)
          .text(reading.getPatientId())
          .text(reading.getCode())
          .timestamp(BinaryCopy.timestamp(reading.getEffectiveTime()))
          .float8(reading.getValue())
          .text(reading.getUnit())
          .text(reading.getDeviceId())
          .text(reading.getReadingId())
          .timestamp(BinaryCopy.timestamp(reading.getReceivedTime()))
          .timestamp(stored);
    }
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    copy.copyIn(COPY_READINGS, rows.finish());
  }

  private static void upsertAggregates(Connection connection, String table, Iterable<VitalAggregate> aggregates)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_AGGREGATE.formatted(table))) {
      int rows = 0;
      for (VitalAggregate aggregate : aggregates) {
        statement.setString(1, aggregate.getPatientId());
        statement.setString(2, aggregate.getCode());
        statement.setTimestamp(3, Timestamp.from(aggregate.getWindowStart()));
        statement.setTimestamp(4, Timestamp.from(aggregate.getWindowEnd()));
        statement.setString(5, aggregate.getUnit());
        statement.setLong(6, aggregate.getCount());
        statement.setDouble(7, aggregate.getMin());
        statement.setDouble(8, aggregate.getMax());
        statement.setDouble(9, aggregate.getSum());
        statement.setDouble(10, aggregate.getMean());
        statement.setDouble(11, aggregate.getLast());
        statement.setTimestamp(12, Timestamp.from(aggregate.getLastTime()));
        statement.addBatch();
        rows++;
      }
      if (rows > 0) {
        statement.executeBatch();
      }
    }
  }

  private void storeOffsets(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_OFFSET)) {
      for (var entry : nextOffsets.entrySet()) {
        statement.setString(1, consumerGroup);
        statement.setString(2, entry.getKey().topic());
        statement.setInt(3, entry.getKey().partition());
        statement.setLong(4, entry.getValue());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }
}
