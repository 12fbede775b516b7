package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Period;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code vitalflow.audit.*} as a service that imports {@link AuditConfiguration} gets it. */
class AuditConfigurationTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(KafkaProperties.class)
  static class Kafka {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withUserConfiguration(Kafka.class, AuditConfiguration.class)
          .withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:9");

  @Test
  void defaultsFailClosedWithTenThousandEventsTenSecondsAndFiveYears() {
    context.run(
        app -> {
          AuditProperties properties = app.getBean(AuditProperties.class);
          assertThat(properties.enabled()).isTrue();
          assertThat(properties.failClosed()).isTrue();
          assertThat(properties.maxPending()).isEqualTo(10_000);
          assertThat(properties.deliveryTimeout()).isEqualTo(Duration.ofSeconds(10));
          assertThat(properties.retention()).isEqualTo(Period.ofYears(5));
          assertThat(app.getBean(AuditTrail.class).enabled()).isTrue();
          assertThat(app.getBean(AuditTrail.class).options().failClosed()).isTrue();
          assertThat(app).hasBean("auditHealthIndicator");
        });
  }

  @Test
  void settingsAreBound() {
    context
        .withPropertyValues(
            "vitalflow.audit.retention=P7Y",
            "vitalflow.audit.max-pending=5",
            "vitalflow.audit.delivery-timeout=3s",
            "vitalflow.audit.fail-closed=false",
            "vitalflow.audit.topic-prefix=t1.")
        .run(
            app -> {
              assertThat(app.getBean(AuditProperties.class).retention())
                  .isEqualTo(Period.ofYears(7));
              assertThat(app.getBean(AuditTrail.class).options())
                  .isEqualTo(new AuditTrail.Options("t1.", 5, Duration.ofSeconds(3), false));
            });
  }

  @Test
  void disabledRecordsNothingAndRefusesNothing() {
    context
        .withPropertyValues("vitalflow.audit.enabled=false")
        .run(
            app -> {
              AuditTrail trail = app.getBean(AuditTrail.class);
              assertThat(trail.enabled()).isFalse();
              assertThatCode(
                      () -> {
                        trail.admit();
                        trail.record(AuditSinkTest.event(1));
                      })
                  .doesNotThrowAnyException();
              assertThat(trail.pending()).isZero();
            });
  }

  @Test
  void aBadValueStopsTheStartNamingTheSetting() {
    context
        .withPropertyValues("vitalflow.audit.max-pending=0")
        .run(
            app ->
                assertThat(app)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("vitalflow.audit.max-pending"));
  }
}
