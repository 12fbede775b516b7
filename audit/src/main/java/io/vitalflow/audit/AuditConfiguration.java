package io.vitalflow.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail of a service: {@code @Import(AuditConfiguration.class)} gives an {@link
 * AuditTrail} bean (producing to {@code audit.v1} with the service's {@code spring.kafka.*}, or a
 * disabled one with {@code vitalflow.audit.enabled=false}) and the {@code audit} health component.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditConfiguration {

  @Bean(destroyMethod = "close")
  AuditTrail auditTrail(
      AuditProperties properties,
      ObjectProvider<KafkaProperties> kafka,
      ObjectProvider<MeterRegistry> meters) {
    MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    if (!properties.enabled()) {
      return AuditTrail.disabled(registry);
    }
    return AuditTrail.create(
        KafkaClients.of(kafka.getObject()), properties.trailOptions(), registry);
  }

  @Bean
  AuditHealthIndicator auditHealthIndicator(AuditTrail auditTrail) {
    return new AuditHealthIndicator(auditTrail);
  }
}
