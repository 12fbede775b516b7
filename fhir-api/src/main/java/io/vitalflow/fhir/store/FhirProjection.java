package io.vitalflow.fhir.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.sink.PostgresSink;
import io.vitalflow.storage.sink.SinkHealth;
import io.vitalflow.storage.sink.SinkSettings;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL projection of {@code fhir.resources.v1} and {@code fhir.outcomes.v1}: current and
 * historic versions, the search index and command outcomes, with the consumer offsets in the same
 * transaction. Replaying the resources topic into an empty database rebuilds the same state.
 */
public final class FhirProjection implements AutoCloseable {

  private final PostgresSink sink;

  /**
   * @param consumerGroup the group, also the key of the stored offsets; a new group replays from
   *     the start
   */
  public FhirProjection(
      KafkaClients kafka,
      DataSource dataSource,
      String topicPrefix,
      String consumerGroup,
      int threads,
      int maxBatchRecords,
      Duration linger,
      Duration sessionTimeout,
      SearchIndexUpdater index,
      MeterRegistry meters) {
    this(
        kafka,
        dataSource,
        topicPrefix,
        consumerGroup,
        threads,
        maxBatchRecords,
        linger,
        sessionTimeout,
        index,
        meters,
        RecordTracing.OFF);
  }

  /** As the other constructor, with a span per written batch of traced records. */
  public FhirProjection(
      KafkaClients kafka,
      DataSource dataSource,
      String topicPrefix,
      String consumerGroup,
      int threads,
      int maxBatchRecords,
      Duration linger,
      Duration sessionTimeout,
      SearchIndexUpdater index,
      MeterRegistry meters,
      RecordTracing tracing) {
    var settings =
        new SinkSettings(
            "fhir-projection",
            consumerGroup,
            List.of(
                topicPrefix + Topics.FHIR_RESOURCES.name(),
                topicPrefix + Topics.FHIR_OUTCOMES.name()),
            maxBatchRecords,
            linger,
            threads,
            sessionTimeout);
    this.sink =
        new PostgresSink(
            kafka,
            dataSource,
            settings,
            () -> new ProjectionBatch(topicPrefix, index, meters, tracing),
            meters);
  }

  public void start() {
    sink.start();
  }

  /** Whether the projection makes progress (for health). */
  public SinkHealth health() {
    return sink.health();
  }

  @Override
  public void close() {
    sink.close();
  }
}
