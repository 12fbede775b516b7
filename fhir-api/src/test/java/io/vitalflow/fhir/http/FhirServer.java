package io.vitalflow.fhir.http;

import io.vitalflow.fhir.FhirApiApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The FHIR server against the test JVM's real broker and PostgreSQL: a fresh database, fresh topics
 * and a fresh Streams application per server.
 */
public final class FhirServer implements AutoCloseable {

  public final PostgresCoordinates database;
  final String topicPrefix;
  final ConfigurableApplicationContext app;
  public final String base;

  private FhirServer(
      PostgresCoordinates database, String topicPrefix, ConfigurableApplicationContext app) {
    this.database = database;
    this.topicPrefix = topicPrefix;
    this.app = app;
    this.base =
        "http://127.0.0.1:"
            + ((WebServerApplicationContext) app).getWebServer().getPort()
            + "/fhir";
  }

  public static FhirServer start(String purpose, String... extraArgs) throws Exception {
    LocalStack stack = LocalStack.shared();
    return start(stack.freshDatabase(purpose), stack.freshTopicPrefix(), purpose, extraArgs);
  }

  /** A server on an existing database and topics (e.g. a second instance, or a rebuild). */
  static FhirServer start(
      PostgresCoordinates database, String topicPrefix, String applicationId, String... extraArgs)
      throws Exception {
    Path stateDir = Files.createTempDirectory("fhir-streams");
    String[] args = {
      "--server.port=0",
      "--spring.datasource.url=" + database.jdbcUrl(),
      "--spring.datasource.username=" + database.user(),
      "--spring.datasource.password=" + database.password(),
      "--spring.kafka.bootstrap-servers=" + LocalStack.shared().kafkaBootstrap(),
      "--vitalflow.fhir.topic-prefix=" + topicPrefix,
      "--vitalflow.fhir.application-id=" + topicPrefix + applicationId,
      "--vitalflow.fhir.state-dir=" + stateDir,
      "--vitalflow.fhir.replication-factor=1"
    };
    String[] all = new String[args.length + extraArgs.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extraArgs, 0, all, args.length, extraArgs.length);
    return new FhirServer(database, topicPrefix, FhirApiApplication.builder().run(all));
  }

  @Override
  public void close() {
    app.close();
  }
}
