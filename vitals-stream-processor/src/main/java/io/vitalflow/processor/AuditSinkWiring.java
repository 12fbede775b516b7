package io.vitalflow.processor;

import com.zaxxer.hikari.HikariDataSource;
import io.vitalflow.audit.AuditProperties;
import io.vitalflow.audit.AuditSinkConfiguration;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The processor stores the audit trail of every service: the audit sink ({@code audit.v1} into
 * {@code audit_event}), its retention and the {@code auditSink} health component. Off with {@code
 * vitalflow.audit.enabled=false}, like the trail of every service. Its consumers hold pool
 * connections too, so the pool must have room for them beside the readings sink's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "vitalflow.audit.enabled",
    havingValue = "true",
    matchIfMissing = true)
@Import(AuditSinkConfiguration.class)
class AuditSinkWiring {

  @Bean
  InitializingBean auditSinkPoolCheck(
      DataSource dataSource, ProcessorProperties processor, AuditProperties audit) {
    return () -> {
      int needed = processor.sinkThreads() + audit.sinkThreads() + 4;
      if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < needed) {
        throw new IllegalStateException(
            "spring.datasource.hikari.maximum-pool-size ("
                + pool.getMaximumPoolSize()
                + ") must be at least vitalflow.processor.sink-threads"
                + " + vitalflow.audit.sink-threads + 4 ("
                + needed
                + "): each sink consumer holds a connection, partition maintenance and health"
                + " need two more");
      }
    };
  }
}
