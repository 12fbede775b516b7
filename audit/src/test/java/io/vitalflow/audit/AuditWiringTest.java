package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import io.vitalflow.storage.StorageLayout;
import io.vitalflow.storage.sink.SinkHealthIndicator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The three Spring configurations together, as the services will import them: an event recorded
 * through the {@link AuditTrail} bean is stored by the sink bean and found by the search bean.
 */
class AuditWiringTest {

  private final LocalStack stack = LocalStack.shared();

  /** What a service has already: Kafka settings, a migrated database, R2DBC. */
  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(KafkaProperties.class)
  static class Service {

    static PostgresCoordinates database;

    @Bean
    DataSource dataSource() {
      return database.dataSource();
    }

    @Bean
    StorageLayout storageLayout(DataSource dataSource) {
      return Migrations.migrate(dataSource);
    }

    @Bean
    DatabaseClient databaseClient() {
      return DatabaseClient.create(
          ConnectionFactories.get(
              ConnectionFactoryOptions.parse(database.r2dbcUrl())
                  .mutate()
                  .option(ConnectionFactoryOptions.USER, database.user())
                  .option(ConnectionFactoryOptions.PASSWORD, database.password())
                  .build()));
    }
  }

  @Test
  void recordedThroughTheTrailStoredByTheSinkFoundByTheSearch() {
    Service.database = stack.freshDatabase("audit_wiring");
    String prefix = stack.freshTopicPrefix();
    new ApplicationContextRunner()
        .withUserConfiguration(
            Service.class,
            AuditConfiguration.class,
            AuditSinkConfiguration.class,
            AuditSearchConfiguration.class)
        .withPropertyValues(
            "spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
            "vitalflow.audit.topic-prefix=" + prefix,
            "vitalflow.audit.sink-group=" + prefix + "audit-sink",
            "vitalflow.audit.sink-linger=50ms")
        .run(
            app -> {
              assertThat(app).hasNotFailed();
              AuditTrail trail = app.getBean(AuditTrail.class);
              AuditRecord event = AuditSinkTest.event(7);
              trail.admit();
              trail.record(event);
              AuditSearch search = app.getBean(AuditSearch.class);
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(
                      () ->
                          !search
                              .search(Map.of("patient", List.of("p-7")))
                              .block(Duration.ofSeconds(10))
                              .events()
                              .isEmpty());
              String stored =
                  search
                      .search(Map.of("patient", List.of("p-7")))
                      .block(Duration.ofSeconds(10))
                      .events()
                      .get(0);
              assertThat(AuditEvents.fromJson(stored)).isEqualTo(event);
              assertThat(
                      app.getBean("auditSinkHealthIndicator", SinkHealthIndicator.class)
                          .health()
                          .getStatus())
                  .isEqualTo(Status.UP);
              assertThat(app.getBean(AuditHealthIndicator.class).health().getStatus())
                  .isEqualTo(Status.UP);
            });
  }
}
