package io.vitalflow.ingest.vitals.publish;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health}: down while Kafka does not acknowledge readings (the gateway answers 503
 * then), so a load balancer can send devices to another gateway. Up again with the next
 * acknowledged batch, or as soon as the broker says the topic can be written ({@link
 * TopicWritability}): a gateway out of rotation gets no batch that could prove it.
 */
@Component
class KafkaHealthIndicator implements HealthIndicator {

  private final VitalsPublisher publisher;
  private final TopicWritability writability;

  KafkaHealthIndicator(VitalsPublisher publisher, TopicWritability writability) {
    this.publisher = publisher;
    this.writability = writability;
  }

  @Override
  public Health health() {
    if (!publisher.acknowledging() && writability.writable()) {
      publisher.writableAgain();
    }
    boolean up = publisher.acknowledging();
    return (up ? Health.up() : Health.down())
        .withDetail("kafka", up ? "acknowledging" : "not acknowledging")
        .build();
  }
}
