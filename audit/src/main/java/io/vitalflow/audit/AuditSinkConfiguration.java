package io.vitalflow.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.storage.PeriodicMaintenance;
import io.vitalflow.storage.StorageLayout;
import io.vitalflow.storage.sink.SinkHealthIndicator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The storing side, for the processor: {@code @Import(AuditSinkConfiguration.class)} starts the
 * {@link AuditSink} ({@code audit.v1} into {@code audit_event}) once the schema is migrated (it
 * needs the service's {@link StorageLayout} bean, which runs the migrations), runs {@link
 * AuditRetention} at start and every {@code vitalflow.audit.maintenance-interval}, and adds the
 * {@code auditSink} health component. The pool needs {@code vitalflow.audit.sink-threads} more
 * connections.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditSinkConfiguration {

  @Bean
  AuditRetention auditRetention(
      DataSource dataSource, StorageLayout migrated, AuditProperties properties) {
    return new AuditRetention(dataSource, properties.retention(), Clock.systemUTC());
  }

  @Bean
  PeriodicMaintenance auditRetentionScheduler(
      AuditRetention auditRetention, AuditProperties properties) {
    return new PeriodicMaintenance(
        "audit retention", auditRetention::run, Duration.ZERO, properties.maintenanceInterval());
  }

  @Bean(destroyMethod = "close")
  AuditSink auditSink(
      AuditProperties properties,
      ObjectProvider<KafkaProperties> kafka,
      DataSource dataSource,
      StorageLayout migrated,
      ObjectProvider<MeterRegistry> meters) {
    AuditSink sink =
        AuditSink.of(
            KafkaClients.of(kafka.getObject()),
            dataSource,
            properties,
            meters.getIfAvailable(SimpleMeterRegistry::new));
    sink.start();
    return sink;
  }

  @Bean
  SinkHealthIndicator auditSinkHealthIndicator(AuditSink auditSink, AuditProperties properties) {
    return new SinkHealthIndicator(List.of(auditSink::health), properties.sinkHealthTolerance());
  }
}
