package io.vitalflow.local;

import io.vitalflow.storage.PostgresCoordinates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The test stack in containers, used by {@link LocalStack} where a Docker engine answers: a Kafka
 * broker and a TimescaleDB server, so the hypertable path of the migrations is tested too. Only
 * loaded when Testcontainers is on the class path.
 */
final class ContainerStack {

  private static final Logger log = LoggerFactory.getLogger(ContainerStack.class);
  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  static final String TIMESCALE_IMAGE = "timescale/timescaledb:2.17.2-pg16";

  private ContainerStack() {}

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static String startKafka() {
    KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
    kafka.start();
    log.info("Kafka container {} at {}", KAFKA_IMAGE, kafka.getBootstrapServers());
    return kafka.getBootstrapServers();
  }

  static PostgresCoordinates startTimescale() {
    PostgreSQLContainer postgres =
        new PostgreSQLContainer(
                DockerImageName.parse(TIMESCALE_IMAGE).asCompatibleSubstituteFor("postgres"))
            .withDatabaseName("postgres")
            .withUsername("postgres")
            .withPassword("postgres");
    postgres.start();
    log.info("TimescaleDB container {} on port {}", TIMESCALE_IMAGE, postgres.getFirstMappedPort());
    return new PostgresCoordinates(
        postgres.getHost(), postgres.getFirstMappedPort(), "postgres", "postgres", "postgres");
  }
}
