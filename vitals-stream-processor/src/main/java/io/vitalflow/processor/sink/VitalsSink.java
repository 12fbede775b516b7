package io.vitalflow.processor.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.sink.PostgresSink;
import io.vitalflow.storage.sink.SinkHealth;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Stores raw readings or window aggregates in PostgreSQL through a {@link PostgresSink}: offsets
 * live in PostgreSQL, written in the same transaction as the rows, so a crash at any point neither
 * loses nor duplicates a row.
 */
public final class VitalsSink implements AutoCloseable {

  private final PostgresSink sink;

  public VitalsSink(
      KafkaClients kafka,
      DataSource dataSource,
      SinkSettings settings,
      MeterRegistry meters,
      RawReadingCheck readingCheck) {
    this(kafka, dataSource, settings, meters, readingCheck, RecordTracing.OFF);
  }

  /** As the other constructor, with a span per written batch of traced records. */
  public VitalsSink(
      KafkaClients kafka,
      DataSource dataSource,
      SinkSettings settings,
      MeterRegistry meters,
      RawReadingCheck readingCheck,
      RecordTracing tracing) {
    String name = settings.streams().name().toLowerCase(Locale.ROOT);
    String topic =
        settings.topicPrefix()
            + switch (settings.streams()) {
              case READINGS -> Topics.VITALS_RAW.name();
              case MINUTE_AGGREGATES -> Topics.VITALS_AGG_1M.name();
              case HOUR_AGGREGATES -> Topics.VITALS_AGG_1H.name();
            };
    var generic =
        new io.vitalflow.storage.sink.SinkSettings(
            name,
            settings.consumerGroup(),
            List.of(topic),
            settings.maxBatchRecords(),
            settings.maxLinger(),
            settings.threads(),
            settings.sessionTimeout());
    this.sink =
        new PostgresSink(
            kafka,
            dataSource,
            generic,
            () -> new VitalsBatch(settings.topicPrefix(), name, readingCheck, meters, tracing),
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
