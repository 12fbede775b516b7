package io.vitalflow.storage.sink;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link PostgresSink} consumes and batches.
 *
 * @param name short name for threads, logs and metrics
 * @param consumerGroup group id; also the key under which offsets are stored in PostgreSQL
 * @param topics full topic names to consume
 * @param maxBatchRecords flush when this many records are buffered
 * @param maxLinger flush at the latest this long after the first buffered record
 * @param threads consumers in the group, each with its own database connection
 * @param sessionTimeout how soon the group notices a crashed consumer and hands its partitions on
 */
public record SinkSettings(
    String name,
    String consumerGroup,
    List<String> topics,
    int maxBatchRecords,
    Duration maxLinger,
    int threads,
    Duration sessionTimeout) {

  public SinkSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    topics = List.copyOf(topics);
    Objects.requireNonNull(maxLinger, "maxLinger");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("a sink needs at least one topic");
    }
    if (maxBatchRecords < 1 || threads < 1) {
      throw new IllegalArgumentException("maxBatchRecords and threads must be >= 1");
    }
  }
}
