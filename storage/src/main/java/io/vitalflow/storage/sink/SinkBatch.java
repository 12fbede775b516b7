package io.vitalflow.storage.sink;

import java.sql.Connection;
import java.sql.SQLException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one consumer of a {@link PostgresSink} buffers between flushes. Not thread-safe: each
 * consumer thread has its own.
 */
public interface SinkBatch {

  /**
   * Buffers a record; a record it cannot use is counted and logged by the batch, never thrown
   * about.
   */
  void add(ConsumerRecord<byte[], byte[]> record);

  /**
   * Writes the buffered rows inside the caller's transaction (auto-commit is off; do not commit).
   * The sink stores the offsets after this and commits both.
   */
  void write(Connection connection) throws SQLException;

  /**
   * The sink set this record aside: on its own it failed with a deterministic error (a constraint,
   * a value the database cannot hold), so it went to the sink's dead-letter topic instead of being
   * retried forever. Write whatever must record that, e.g. an outcome a waiting client reads,
   * inside the caller's transaction (the same one that stores the offsets past the record). The
   * reason names the failure (SQLState and class), never values.
   */
  default void deadLettered(
      ConsumerRecord<byte[], byte[]> record, String reason, Connection connection)
      throws SQLException {}

  /** Called after the transaction committed, before {@link #clear()}: metrics, notifications. */
  default void committed() {}

  /** Forgets everything buffered. */
  void clear();
}
