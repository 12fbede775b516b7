package io.vitalflow.kafka;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The readiness of one Kafka Streams application: {@code UP} only while it is {@code RUNNING};
 * {@link #NOT_READY} while it rebalances or restores state, has not started or has stopped.
 *
 * <p>Its own status, not {@code DOWN}: the main {@code /actuator/health} keeps counting a rebalance
 * as healthy ({@link StreamsRunner#health()}), since a rebalance is normal and ends on its own, and
 * its status order does not know {@code NOT_READY}, so it ignores this component. The readiness
 * group ({@code /actuator/health/readiness}) orders {@code NOT_READY} before {@code UP} and maps it
 * to 503 (web-support {@code ServiceDefaults}): a load balancer or Kubernetes sends no traffic to
 * an instance whose tasks are moving.
 */
public final class StreamsReadiness implements HealthIndicator {

  /** Not ready for traffic, yet healthy: only the readiness group counts it. */
  public static final Status NOT_READY = new Status("NOT_READY");

  private final StreamsRunner streams;

  public StreamsReadiness(StreamsRunner streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    return (state == KafkaStreams.State.RUNNING ? Health.up() : Health.status(NOT_READY))
        .withDetail("state", state.name())
        .build();
  }
}
