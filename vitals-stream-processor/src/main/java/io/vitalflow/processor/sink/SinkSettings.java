package io.vitalflow.processor.sink;

import java.time.Duration;

/**
 * How the PostgreSQL sink batches.
 *
 * @param consumerGroup group id; also the key under which offsets are stored in PostgreSQL
 * @param topicPrefix prefix of every topic name (empty in production, fresh per test)
 * @param maxBatchRecords flush when this many records are buffered
 * @param maxLinger flush at the latest this long after the first buffered record
 * @param threads consumers in the group, each with its own database connection
 * @param sessionTimeout how soon the group notices a crashed consumer and hands its partitions on
 */
public record SinkSettings(String consumerGroup, String topicPrefix, int maxBatchRecords, Duration maxLinger,
    int threads, Duration sessionTimeout) {

  public SinkSettings {
    if (maxBatchRecords < 1 || threads < 1) {
      throw new IllegalArgumentException("maxBatchRecords and threads must be >= 1");
    }
  }
}
