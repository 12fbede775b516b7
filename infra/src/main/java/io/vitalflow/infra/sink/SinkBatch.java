package io.vitalflow.infra.sink;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one consumer of a {@link PostgresSink} buffers between flushes. Not thread-safe: each consumer
 * thread has its own.
 */
public interface SinkBatch {

  /** Buffers a record; a record it cannot use is counted and logged by the batch, never thrown about. */
  void add(ConsumerRecord<byte[], byte[]> record);

  /**
   * Writes the buffered rows inside the caller's transaction (auto-commit is off; do not commit). The sink
   * stores the offsets after this and commits both.
   */
  void write(Connection connection) throws SQLException;

  /** Called after the transaction committed, before {@link #clear()}: metrics, notifications. */
  default void committed() {
  }

  /** Forgets everything buffered. */
  void clear();
}
