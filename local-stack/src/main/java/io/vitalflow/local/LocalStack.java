package io.vitalflow.local;

import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one PostgreSQL server for this JVM, started on first use and shared by every
 * test in it (each test takes fresh topic prefixes and databases). Which servers, in order of
 * preference:
 *
 * <ol>
 *   <li>external ones: {@code VITALFLOW_TEST_KAFKA} (bootstrap servers), {@code
 *       VITALFLOW_TEST_POSTGRES} (a superuser JDBC URL; user and password from {@code
 *       VITALFLOW_TEST_POSTGRES_USER} / {@code _PASSWORD});
 *   <li>containers (Kafka, TimescaleDB) where Testcontainers is on the class path and a Docker
 *       engine answers, unless {@code VITALFLOW_TEST_DOCKER=false};
 *   <li>a local broker child process and the embedded PostgreSQL binaries: no Docker needed.
 * </ol>
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
      } else if (useContainers()) {
        kafkaBootstrap = ContainerStack.startKafka();
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

  /**
   * Creates every catalogue topic under a fresh prefix and returns the prefix (e.g. {@code
   * t3f9a.}).
   */
  public String freshTopicPrefix() {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    TopicAdmin.ensureTopics(kafkaBootstrap(), prefix, (short) 1);
    return prefix;
  }

  public synchronized PostgresCoordinates postgresAdmin() {
    if (postgresAdmin == null) {
      String external = System.getenv("VITALFLOW_TEST_POSTGRES");
      if (external != null && !external.isBlank()) {
        postgresAdmin =
            external(
                external,
                envOr("VITALFLOW_TEST_POSTGRES_USER", "postgres"),
                envOr("VITALFLOW_TEST_POSTGRES_PASSWORD", "postgres"));
      } else if (useContainers()) {
        postgresAdmin = ContainerStack.startTimescale();
      } else {
        postgres = LocalPostgres.start(workDir.resolve("postgres"), 0);
        postgresAdmin = postgres.admin();
      }
    }
    return postgresAdmin;
  }

  /** The server of a JDBC URL, as the PostgreSQL driver reads it (host, port, database). */
  private static PostgresCoordinates external(String jdbcUrl, String user, String password) {
    Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, null);
    if (parsed == null) {
      throw new IllegalArgumentException("VITALFLOW_TEST_POSTGRES is not a PostgreSQL JDBC URL");
    }
    return new PostgresCoordinates(
        parsed.getProperty("PGHOST").split(",")[0],
        Integer.parseInt(parsed.getProperty("PGPORT").split(",")[0]),
        parsed.getProperty("PGDBNAME"),
        user,
        password);
  }

  /** A new, empty, migrated database named after {@code purpose}. */
  public PostgresCoordinates freshDatabase(String purpose) {
    String name =
        (purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                + "_"
                + UUID.randomUUID().toString().substring(0, 8))
            .replaceFirst("^([0-9])", "d$1");
    PostgresCoordinates database = LocalPostgres.createDatabase(postgresAdmin(), name);
    Migrations.migrate(database.dataSource());
    log.debug("Fresh database {}", name);
    return database;
  }

  private static Boolean containers;

  /**
   * Whether to use containers: Testcontainers present, a Docker engine answering, not switched off.
   */
  private static synchronized boolean useContainers() {
    if (containers == null) {
      boolean wanted = !"false".equalsIgnoreCase(System.getenv("VITALFLOW_TEST_DOCKER"));
      containers =
          wanted
              && onClassPath("org.testcontainers.DockerClientFactory")
              && ContainerStack.dockerAvailable();
      log.info(
          "Test stack: {}",
          containers ? "containers (Docker)" : "local broker process and embedded PostgreSQL");
    }
    return containers;
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, LocalStack.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private synchronized void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    deleteRecursively(workDir);
  }

  /** The broker log and database files of a test JVM are worth nothing after it: ~85 MB each. */
  private static void deleteRecursively(Path directory) {
    try (var paths = Files.walk(directory)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.debug("Could not delete {}", directory, e);
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
