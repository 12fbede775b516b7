package io.vitalflow.platform;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.fhir.FhirApiApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.VitalsProcessorApplication;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The vitals path's services in this JVM, on the shared test broker and a fresh database and
 * topics.
 */
final class RunningServices implements AutoCloseable {

  final LocalStack stack = LocalStack.shared();
  final String topicPrefix = stack.freshTopicPrefix();
  final PostgresCoordinates database;
  final String applicationId = "vitals-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final List<Path> stateDirs = new ArrayList<>();
  int processorPort;

  /** The processor started by {@link #startVitalsPath()}, for its beans. */
  ConfigurableApplicationContext processor;

  int ingestPort;
  int fhirPort;
  int dashboardPort;

  RunningServices(String purpose) {
    database = stack.freshDatabase(purpose);
  }

  RunningServices startAll() throws Exception {
    startVitalsPath();
    fhirPort =
        start(
            FhirApiApplication.builder(),
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
            "--vitalflow.fhir.topic-prefix=" + topicPrefix,
            "--vitalflow.fhir.application-id=" + applicationId + "-fhir",
            "--vitalflow.fhir.state-dir=" + newStateDir(),
            "--vitalflow.fhir.replication-factor=1",
            "--spring.datasource.url=" + database.jdbcUrl(),
            "--spring.datasource.username=" + database.user(),
            "--spring.datasource.password=" + database.password());
    return this;
  }

  /**
   * Only the processor and the ingest gateway (no FHIR API): readings in, aggregates, NEWS2 and
   * alerts out.
   */
  RunningServices startVitalsPath(String... extraProcessorArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of(processorArgs(newStateDir())));
    args.addAll(List.of(extraProcessorArgs));
    processorPort = start(VitalsProcessorApplication.builder(), args.toArray(String[]::new));
    processor = contexts.get(contexts.size() - 1);
    ingestPort =
        start(
            IngestGatewayApplication.builder(),
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
            "--vitalflow.ingest.topic-prefix=" + topicPrefix);
    return this;
  }

  /**
   * Also starts dashboard-push (the live dashboards and the ward page) on this test's topics and
   * database. Call it after {@link #startAll()} or {@link #startVitalsPath()}: it fixes its start
   * offsets on the topics that exist when it starts.
   */
  RunningServices startDashboard(String... extraArgs) {
    // a test that must know the port before the start (a redirect URI) passes --server.port itself
    boolean portGiven = List.of(extraArgs).stream().anyMatch(a -> a.startsWith("--server.port="));
    List<String> args =
        new ArrayList<>(
            List.of(
                portGiven ? "--spring.main.banner-mode=off" : "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + topicPrefix));
    args.addAll(List.of(extraArgs));
    dashboardPort = start(DashboardPushApplication.builder(), args.toArray(String[]::new));
    return this;
  }

  /** A Kafka Streams state directory, deleted on {@link #close()}. */
  Path newStateDir() throws IOException {
    Path directory = Files.createTempDirectory("streams-");
    stateDirs.add(directory);
    return directory;
  }

  /** Arguments for a processor instance of this test (in this JVM or a child JVM). */
  String[] processorArgs(Path stateDir) {
    return new String[] {
      "--server.port=0",
      "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
      "--vitalflow.processor.topic-prefix=" + topicPrefix,
      "--vitalflow.processor.application-id=" + applicationId,
      "--vitalflow.processor.state-dir=" + stateDir,
      "--spring.datasource.url=" + database.jdbcUrl(),
      "--spring.datasource.username=" + database.user(),
      "--spring.datasource.password=" + database.password(),
      "--vitalflow.processor.sink-linger=50ms",
      "--vitalflow.processor.session-timeout=6s"
    };
  }

  private int start(SpringApplicationBuilder builder, String... args) {
    ConfigurableApplicationContext context = builder.registerShutdownHook(false).run(args);
    contexts.add(context);
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  String topic(String name) {
    return topicPrefix + name;
  }

  @Override
  public void close() {
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
    for (Path directory : stateDirs) {
      FileSystemUtils.deleteRecursively(directory.toFile());
    }
  }
}
