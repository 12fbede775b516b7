package io.vitalflow.ingest.vitals.publish;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health}: down while Kafka does not acknowledge readings (the gateway answers 503
 * then), so a load balancer can send devices to another gateway. Up again with the next
 * acknowledged batch.
 */
@Component
class KafkaHealthIndicator implements HealthIndicator {

  private final VitalsPublisher publisher;

  KafkaHealthIndicator(VitalsPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public Health health() {
    return (publisher.acknowledging() ? Health.up() : Health.down())
        .withDetail("kafka", publisher.acknowledging() ? "acknowledging" : "not acknowledging")
        .build();
  }
}
