package io.vitalflow.processor.sink;

import java.time.Duration;

/**
 * What one PostgreSQL sink consumes and how it batches. Raw readings and window aggregates go
 * through separate sinks (separate consumer groups): readings are flushed every few hundred
 * milliseconds to keep acceptance-to-stored latency low, while aggregates are collapsed to the
 * newest state of each window over a few seconds, which bounds the upserts per second by the number
 * of active windows, not by the load.
 *
 * @param streams which topics this sink stores
 * @param consumerGroup group id; also the key under which offsets are stored in PostgreSQL
 * @param topicPrefix prefix of every topic name (empty in production, fresh per test)
 * @param maxBatchRecords flush when this many records are buffered
 * @param maxLinger flush at the latest this long after the first buffered record
 * @param threads consumers in the group, each with its own database connection
 * @param sessionTimeout how soon the group notices a crashed consumer and hands its partitions on
 */
public record SinkSettings(
    Streams streams,
    String consumerGroup,
    String topicPrefix,
    int maxBatchRecords,
    Duration maxLinger,
    int threads,
    Duration sessionTimeout) {

  /** The topics a sink stores. */
  public enum Streams {
    /** {@code vitals.raw.v1} into {@code vital_reading}. */
    READINGS,
    /** {@code vitals.agg.1m.v1} into {@code vital_aggregate_1m}. */
    MINUTE_AGGREGATES,
    /**
     * {@code vitals.agg.1h.v1} into {@code vital_aggregate_1h}: read for the last days, so flushed
     * least often.
     */
    HOUR_AGGREGATES
  }

  public SinkSettings {
    if (maxBatchRecords < 1 || threads < 1) {
      throw new IllegalArgumentException("maxBatchRecords and threads must be >= 1");
    }
  }
}
