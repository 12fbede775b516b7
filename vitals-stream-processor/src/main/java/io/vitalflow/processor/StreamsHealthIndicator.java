package io.vitalflow.processor;

import io.vitalflow.infra.kafka.StreamsRunner;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health}: down when Kafka Streams has stopped or failed; rebalancing counts as up. */
@Component
class StreamsHealthIndicator implements HealthIndicator {

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
