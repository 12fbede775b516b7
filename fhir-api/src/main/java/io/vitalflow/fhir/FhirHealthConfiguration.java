package io.vitalflow.fhir;

import io.vitalflow.kafka.StreamsReadiness;
import io.vitalflow.kafka.StreamsRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code /actuator/health} of the write side: {@code fhirCommandProcessor} is down when the command
 * processor (Kafka Streams) has stopped, failed, lost its threads or makes no progress while
 * commands wait. It comes back up on its own once the pipeline moves again. The projection's health
 * ({@code fhirProjection}) is the sink's own ({@link
 * io.vitalflow.storage.sink.SinkHealthIndicator}, in {@link FhirWriteConfiguration}): the
 * projection keeps its offsets in PostgreSQL, not in its Kafka consumer group, so the group's
 * committed offsets never move.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "vitalflow.fhir.writes-enabled", matchIfMissing = true)
class FhirHealthConfiguration {

  @Bean
  @ConditionalOnBooleanProperty(
      name = "vitalflow.fhir.command-processor-enabled",
      matchIfMissing = true)
  HealthIndicator fhirCommandProcessorHealthIndicator(StreamsRunner fhirCommandProcessor) {
    return () -> {
      StreamsRunner.Health health = fhirCommandProcessor.health();
      return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    };
  }

  /**
   * Readiness component {@code fhirCommandProcessorReadiness}: NOT_READY while the command
   * processor rebalances or restores, when this instance's writes would wait for their decisions
   * (docs/deployment.md, Probes).
   */
  @Bean
  @ConditionalOnBooleanProperty(
      name = "vitalflow.fhir.command-processor-enabled",
      matchIfMissing = true)
  StreamsReadiness fhirCommandProcessorReadiness(StreamsRunner fhirCommandProcessor) {
    return new StreamsReadiness(fhirCommandProcessor);
  }
}
