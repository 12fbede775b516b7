package io.vitalflow.processor;

import io.vitalflow.infra.kafka.StreamsRunner;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health}: down when a Kafka Streams application has stopped or failed; rebalancing counts as up.
 * One per application: {@code streams} (vitals) and {@code medicationStreams}.
 */
final class StreamsHealthIndicator implements HealthIndicator {

  private final StreamsRunner streams;

  StreamsHealthIndicator(StreamsRunner streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    Health.Builder health = state.isRunningOrRebalancing() ? Health.up() : Health.down();
    return health.withDetail("state", state.name()).build();
  }
}
