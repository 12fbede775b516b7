package io.vitalflow.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.local.ClientConfigCapture;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.VitalsTopology;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The processor takes Spring Boot's vocabulary: {@code spring.kafka.*} reaches every Kafka client
 * it makes (both Streams applications with their internal clients, the sink consumers), and {@code
 * spring.datasource.url} goes to the PostgreSQL driver whole, parameters and all; grace periods and
 * clock skew are settings.
 */
class ProcessorSettingsTest {

  private final LocalStack stack = LocalStack.shared();

  private List<String> args(
      PostgresCoordinates database, String jdbcUrl, Path stateDir, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--vitalflow.processor.topic-prefix=" + stack.freshTopicPrefix(),
                "--vitalflow.processor.application-id=settings-"
                    + ClientConfigCapture.newMarker().substring(0, 8),
                "--vitalflow.processor.state-dir=" + stateDir));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void everyKafkaClientGetsTheSslSettingsAndTheJdbcUrlReachesTheDriver() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("processor-settings");
    String marker = ClientConfigCapture.newMarker();
    List<String> args =
        args(
            database,
            database.jdbcUrl()
                + "?sslmode=disable&ApplicationName=processor-"
                + marker.substring(0, 8),
            Files.createTempDirectory("streams-"),
            "--spring.kafka.ssl.protocol=TLSv1.3",
            "--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
            "--vitalflow.processor.window-grace-1m=45s",
            "--vitalflow.processor.clock-skew=7s");
    ClientConfigCapture.settings(marker)
        .forEach((key, value) -> args.add("--spring.kafka.properties." + key + "=" + value));

    try (ConfigurableApplicationContext context =
        VitalsProcessorApplication.builder().run(args.toArray(String[]::new))) {
      VitalsTopology.Options options = context.getBean(VitalsTopology.Options.class);
      assertThat(options.grace1m()).isEqualTo(Duration.ofSeconds(45));
      assertThat(options.maxFutureSkew()).isEqualTo(Duration.ofSeconds(7));
      // the sinks' consumers are made on their own threads
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && ClientConfigCapture.clientIds(marker).stream()
              .noneMatch(id -> id.contains("-sink-agg-1h-"))) {
        Thread.sleep(100);
      }

      List<Map<String, Object>> clients = ClientConfigCapture.configs(marker);
      assertThat(clients)
          .allSatisfy(
              config ->
                  assertThat(config)
                      .containsEntry("ssl.protocol", "TLSv1.3")
                      .containsEntry("sasl.mechanism", "SCRAM-SHA-512"));
      assertThat(ClientConfigCapture.clientIds(marker))
          .anyMatch(id -> id.contains("-medications-") && id.endsWith("-StreamThread-1-producer"))
          .anyMatch(id -> id.contains("-StreamThread-1-consumer") && !id.contains("-medications-"))
          .anyMatch(id -> id.contains("-sink-readings-0"))
          .anyMatch(id -> id.contains("-sink-agg-1m-0"))
          .anyMatch(id -> id.contains("-sink-agg-1h-0"));

      try (Connection connection = context.getBean(DataSource.class).getConnection();
          Statement statement = connection.createStatement();
          ResultSet row =
              statement.executeQuery(
                  "select application_name from pg_stat_activity where pid = pg_backend_pid()")) {
        row.next();
        assertThat(row.getString(1)).isEqualTo("processor-" + marker.substring(0, 8));
      }
    }
  }

  /**
   * The local PostgreSQL speaks no TLS: a URL that requires it must fail, not be quietly shortened.
   */
  @Test
  void sslmodeRequireInTheJdbcUrlIsHonoured() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("processor-sslmode");
    List<String> args =
        args(
            database,
            database.jdbcUrl() + "?sslmode=require",
            Files.createTempDirectory("streams-"),
            "--vitalflow.processor.medications-enabled=false");

    assertThatThrownBy(
            () -> VitalsProcessorApplication.builder().run(args.toArray(String[]::new)).close())
        .hasRootCauseInstanceOf(PSQLException.class)
        .rootCause()
        .hasMessageContaining("SSL");
  }

  /**
   * Each sink consumer holds a pooled connection while it runs: a pool too small is refused, not a
   * stuck sink.
   */
  @Test
  void aPoolTooSmallForTheSinksIsRefusedAtStart() throws Exception {
    PostgresCoordinates database = stack.freshDatabase("processor-pool");
    List<String> args =
        args(
            database,
            database.jdbcUrl(),
            Files.createTempDirectory("streams-"),
            "--vitalflow.processor.medications-enabled=false",
            "--vitalflow.processor.sink-threads=8",
            "--spring.datasource.hikari.maximum-pool-size=10");

    assertThatThrownBy(
            () -> VitalsProcessorApplication.builder().run(args.toArray(String[]::new)).close())
        .rootCause()
        .hasMessageContaining("spring.datasource.hikari.maximum-pool-size (10)")
        .hasMessageContaining("vitalflow.processor.sink-threads");
  }
}
