package io.vitalflow.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vitalflow.infra.kafka.LocalKafka;
import io.vitalflow.infra.kafka.TopicAdmin;
import io.vitalflow.infra.postgres.LocalPostgres;
import io.vitalflow.infra.postgres.Migrations;
import io.vitalflow.infra.postgres.PostgresCoordinates;

/**
 * One Kafka broker and one PostgreSQL server for this JVM, started on first use and shared by every test
 * in it (each test takes fresh topic prefixes and databases). Set {@code VITALFLOW_TEST_KAFKA} (bootstrap
 * servers) and/or {@code VITALFLOW_TEST_POSTGRES} (a superuser JDBC URL; user and password from
 * {@code VITALFLOW_TEST_POSTGRES_USER} / {@code _PASSWORD}) to use external servers instead.
 */
public final class LocalStack {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private static LocalStack shared;

  private final Path workDir;
  private LocalKafka kafka;
  private String kafkaBootstrap;
  private LocalPostgres postgres;
  private PostgresCoordinates postgresAdmin;

  private LocalStack(Path workDir) {
    this.workDir = workDir;
  }

  /** The JVM-wide test stack. */
  public static synchronized LocalStack shared() {
    if (shared == null) {
      try {
        shared = new LocalStack(Files.createTempDirectory("vitalflow-test-"));
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "local-stack-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  public synchronized String kafkaBootstrap() {
    if (kafkaBootstrap == null) {
      String external = System.getenv("VITALFLOW_TEST_KAFKA");
      if (external != null && !external.isBlank()) {
        kafkaBootstrap = external;
      } else {
        kafka = LocalKafka.start(workDir.resolve("kafka"), 0);
        kafkaBootstrap = kafka.bootstrapServers();
      }
    }
    return kafkaBootstrap;
  }

  /** The local broker process, or null when an external broker is used. */
  public synchronized LocalKafka kafkaProcess() {
    kafkaBootstrap();
    return kafka;
  }

  /** Creates every catalogue topic under a fresh prefix and returns the prefix (e.g. {@code t3f9a.}). */
  public String freshTopicPrefix() {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    TopicAdmin.ensureTopics(kafkaBootstrap(), prefix, (short) 1);
    return prefix;
  }

  public synchronized PostgresCoordinates postgresAdmin() {
    if (postgresAdmin == null) {
      String external = System.getenv("VITALFLOW_TEST_POSTGRES");
      if (external != null && !external.isBlank()) {
        postgresAdmin = PostgresCoordinates.fromJdbcUrl(external, envOr("VITALFLOW_TEST_POSTGRES_USER", "postgres"),
            envOr("VITALFLOW_TEST_POSTGRES_PASSWORD", "postgres"));
      } else {
        postgres = LocalPostgres.start(workDir.resolve("postgres"), 0);
        postgresAdmin = postgres.admin();
      }
    }
    return postgresAdmin;
  }

  /** A new, empty, migrated database named after {@code purpose}. */
  public PostgresCoordinates freshDatabase(String purpose) {
    String name = (purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
        + UUID.randomUUID().toString().substring(0, 8)).replaceFirst("^([0-9])", "d$1");
    PostgresCoordinates database = LocalPostgres.createDatabase(postgresAdmin(), name);
    Migrations.migrate(database.dataSource());
    log.debug("Fresh database {}", name);
    return database;
  }

  private synchronized void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
