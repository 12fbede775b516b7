package io.vitalflow.fhir;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.vitalflow.infra.kafka.GroupProgress;
import io.vitalflow.infra.kafka.StreamsRunner;

/**
 * {@code /actuator/health} of the write side: {@code fhirCommandProcessor} is down when the command processor
 * (Kafka Streams) has stopped, failed, lost its threads or makes no progress while commands wait;
 * {@code fhirProjection} is down when the projection's consumer group commits nothing while versions wait
 * ({@link GroupProgress}). Both come back up on their own once the pipeline moves again.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${vitalflow.fhir.kafka-bootstrap:}'.isBlank()")
class FhirHealthConfiguration {

  @Bean
  @ConditionalOnBooleanProperty(name = "vitalflow.fhir.command-processor-enabled", matchIfMissing = true)
  HealthIndicator fhirCommandProcessorHealthIndicator(StreamsRunner fhirCommandProcessor) {
    return () -> {
      StreamsRunner.Health health = fhirCommandProcessor.health();
      return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    };
  }

  @Bean(destroyMethod = "close")
  GroupProgress fhirProjectionProgress(FhirProperties properties,
      @Value("${vitalflow.fhir.stall-timeout:60s}") Duration stallTimeout) {
    return new GroupProgress(properties.kafkaBootstrap(), properties.applicationId() + "-projection", stallTimeout);
  }

  @Bean
  HealthIndicator fhirProjectionHealthIndicator(GroupProgress fhirProjectionProgress) {
    return () -> {
      GroupProgress.Verdict verdict = fhirProjectionProgress.check();
      return (verdict.stalled() ? Health.down() : Health.up()).withDetail("group", fhirProjectionProgress.groupId())
          .withDetail("progress", verdict.detail()).build();
    };
  }
}
