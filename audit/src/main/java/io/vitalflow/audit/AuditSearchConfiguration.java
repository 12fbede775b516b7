package io.vitalflow.audit;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The reading side, for the FHIR server: {@code @Import(AuditSearchConfiguration.class)} gives an
 * {@link AuditSearch} on the service's R2DBC {@link DatabaseClient}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditSearchConfiguration {

  @Bean
  AuditSearch auditSearch(DatabaseClient database, AuditProperties properties) {
    return new AuditSearch(database, properties.defaultPageSize(), properties.maxPageSize());
  }
}
