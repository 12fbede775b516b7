package io.vitalflow.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.sink.PostgresSink;
import io.vitalflow.storage.sink.SinkHealth;
import io.vitalflow.storage.sink.SinkSettings;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * Stores {@code audit.v1} in {@code audit_event}: a {@link PostgresSink}, so the consumer offsets
 * are committed in the rows' transaction (a restart neither loses nor repeats an event), and a
 * record that is not an AuditEvent of VitalFlow's shape, or that the database refuses on its own,
 * goes to {@code audit.dlq.v1} with the reason in its headers. An event that reached the topic
 * twice (sent again after an ambiguous failure) is stored once: its id is the key.
 */
public final class AuditSink implements AutoCloseable {

  private final PostgresSink sink;

  /**
   * @param consumerGroup the group, also the key of the stored offsets
   * @param dataSource a pool with one connection per consumer thread, plus one
   */
  public AuditSink(
      KafkaClients kafka,
      DataSource dataSource,
      String topicPrefix,
      String consumerGroup,
      int threads,
      int maxBatchRecords,
      Duration linger,
      Duration sessionTimeout,
      MeterRegistry meters) {
    this.sink =
        new PostgresSink(
            kafka,
            dataSource,
            new SinkSettings(
                "audit",
                consumerGroup,
                List.of(topicPrefix + Topics.AUDIT.name()),
                maxBatchRecords,
                linger,
                threads,
                sessionTimeout),
            AuditBatch::new,
            meters);
  }

  /** The sink of {@code vitalflow.audit.*}. */
  public static AuditSink of(
      KafkaClients kafka, DataSource dataSource, AuditProperties properties, MeterRegistry meters) {
    return new AuditSink(
        kafka,
        dataSource,
        properties.topicPrefix(),
        properties.sinkGroup(),
        properties.sinkThreads(),
        properties.sinkBatchRecords(),
        properties.sinkLinger(),
        properties.sessionTimeout(),
        meters);
  }

  public void start() {
    sink.start();
  }

  /** Whether the sink makes progress (for health). */
  public SinkHealth health() {
    return sink.health();
  }

  @Override
  public void close() {
    sink.close();
  }
}
