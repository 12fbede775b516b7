package io.vitalflow.audit.web;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.vitalflow.audit.AuditConfiguration;
import io.vitalflow.audit.AuditProperties;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.web.HttpLimitsAutoConfiguration;
import io.vitalflow.web.OverloadAnswer;
import io.vitalflow.web.security.RefusalListener;
import io.vitalflow.web.security.ResourceServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Every reactive VitalFlow service with the {@code audit} module on its class path audits its HTTP
 * requests without code of its own: the {@link AuditTrail} bean and its health component ({@link
 * AuditConfiguration}; a trail that records nothing with {@code vitalflow.audit.enabled=false}),
 * and, while enabled, the {@link AuditWebFilter} (one event per request) and the {@link
 * AuditRefusalListener} (every 401/403). The service is {@code spring.application.name}.
 */
@AutoConfiguration(
    after = {HttpLimitsAutoConfiguration.class, ResourceServerAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import(AuditConfiguration.class)
public class AuditAutoConfiguration {

  /** The web side, only while the trail is on. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      name = "vitalflow.audit.enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Web {

    @Bean
    AuditWebFilter auditWebFilter(
        AuditTrail auditTrail,
        AuditProperties properties,
        ObjectProvider<OverloadAnswer> overloadAnswer,
        ObjectProvider<Tracer> tracer,
        ObjectProvider<Propagator> propagator,
        Environment environment) {
      return new AuditWebFilter(
          auditTrail,
          service(environment),
          overloadAnswer.getIfAvailable(() -> OverloadAnswer::problem),
          properties.excludedPaths(),
          RecordTracing.of(
              tracer.getIfAvailable(() -> Tracer.NOOP),
              propagator.getIfAvailable(() -> Propagator.NOOP)));
    }

    @Bean
    RefusalListener auditRefusalListener(AuditTrail auditTrail, Environment environment) {
      return new AuditRefusalListener(auditTrail, service(environment));
    }

    private static String service(Environment environment) {
      return environment.getProperty("spring.application.name", "");
    }
  }
}
