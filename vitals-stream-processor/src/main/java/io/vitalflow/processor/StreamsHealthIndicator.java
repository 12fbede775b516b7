package io.vitalflow.processor;

import io.vitalflow.kafka.StreamsRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health}: down when a Kafka Streams application has stopped, failed, lost every
 * stream thread or makes no progress while its input grows ({@link StreamsRunner#health()});
 * rebalancing counts as up. Up again on its own once the cause is gone. One per application: {@code
 * streams} (vitals) and {@code medicationStreams}.
 */
final class StreamsHealthIndicator implements HealthIndicator {

  private final StreamsRunner streams;

  StreamsHealthIndicator(StreamsRunner streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    StreamsRunner.Health health = streams.health();
    return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
  }
}
