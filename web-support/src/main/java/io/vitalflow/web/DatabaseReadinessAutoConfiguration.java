package io.vitalflow.web;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * The database in the readiness group, bounded ({@link BoundedHealth}): {@code databaseReadiness}
 * (the service's JDBC pool) and {@code r2dbcReadiness} (its R2DBC connection factory), each checked
 * every 2 s and DOWN when a check fails or has not answered within 5 s. The services' files leave
 * Spring Boot's {@code db} and {@code r2dbc} out of readiness, which wait the pool's whole
 * connection timeout (docs/deployment.md, Probes); {@code /actuator/health} keeps them.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration"
    })
@ConditionalOnClass(HealthIndicator.class)
public class DatabaseReadinessAutoConfiguration {

  static final Duration EVERY = Duration.ofSeconds(2);
  static final Duration OVERDUE = Duration.ofSeconds(5);

  /** JDBC: a connection from the pool, valid within 2 s. */
  @Bean(destroyMethod = "close")
  @ConditionalOnBean(DataSource.class)
  BoundedHealth databaseReadiness(DataSource dataSource) {
    return new BoundedHealth(
        "database",
        () -> {
          try (java.sql.Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? Health.up().build() : Health.down().build();
          } catch (SQLException e) {
            return Health.down()
                .withDetail("error", e.getClass().getName())
                .withDetail("sqlState", String.valueOf(e.getSQLState()))
                .build();
          }
        },
        EVERY,
        OVERDUE);
  }

  /** R2DBC: a connection validated by the server. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ConnectionFactory.class)
  static class R2dbc {

    @Bean(destroyMethod = "close")
    @ConditionalOnBean(ConnectionFactory.class)
    BoundedHealth r2dbcReadiness(ConnectionFactory connections) {
      return new BoundedHealth(
          "r2dbc",
          () -> {
            Boolean valid =
                Mono.usingWhen(
                        Mono.from(connections.create()),
                        connection -> Mono.from(connection.validate(ValidationDepth.REMOTE)),
                        Connection::close)
                    .block(OVERDUE);
            return Boolean.TRUE.equals(valid) ? Health.up().build() : Health.down().build();
          },
          EVERY,
          OVERDUE);
    }
  }
}
