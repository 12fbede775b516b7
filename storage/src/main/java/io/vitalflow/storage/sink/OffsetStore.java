package io.vitalflow.storage.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer positions in {@code kafka_consumer_offset}, written in the same transaction as the data.
 */
final class OffsetStore {

  private static final String UPSERT =
      """
      insert into kafka_consumer_offset (consumer_group, topic, partition, next_offset, updated_at)
      values (?, ?, ?, ?, now())
      on conflict (consumer_group, topic, partition) do update
        set next_offset = excluded.next_offset, updated_at = excluded.updated_at""";

  private final String consumerGroup;

  OffsetStore(String consumerGroup) {
    this.consumerGroup = consumerGroup;
  }

  /** The next offset to read per partition, as last committed with the data. */
  Map<TopicPartition, Long> read(Connection connection, Collection<TopicPartition> partitions)
      throws SQLException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    connection.setAutoCommit(true);
    try (PreparedStatement statement =
        connection.prepareStatement(
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

  void write(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
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
