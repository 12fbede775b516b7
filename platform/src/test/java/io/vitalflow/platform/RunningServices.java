package io.vitalflow.platform;

import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.auth.RenewingToken;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.fhir.FhirApiApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.VitalsProcessorApplication;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * The vitals path's services in this JVM, on the shared test broker and a fresh database and
 * topics, with security on: every service trusts the real local authorization server ({@link
 * LocalAuthServer#shared()}), and {@link #client} and {@link #bearer} give tests its tokens. The
 * ingest gateway takes readings for any device from the development clients (command line, gateway,
 * backend), as the launcher registers the simulator's.
 */
final class RunningServices implements AutoCloseable {

  /** The scopes of {@link #client(int)}: everything but audit. */
  static final String ALL = "system/*.cruds";

  LocalAuthServer auth = LocalAuthServer.shared();
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

  /**
   * The services trust {@code server} instead of the shared one (call before starting any): for a
   * test that needs a server with settings of its own (the ward page's redirect URI).
   */
  RunningServices trusting(LocalAuthServer server) {
    auth = server;
    return this;
  }

  /**
   * A client of the service on {@code port} whose every request carries a token for {@code scopes}
   * (default {@link #ALL}), asked for again before it expires.
   */
  WebTestClient client(int port, String... scopes) {
    String[] asked = scopes.length == 0 ? new String[] {ALL} : scopes;
    WebTestClient.Builder builder =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30));
    return builder.filter(authorization(asked)).build();
  }

  /**
   * A filter that gives every request of a {@code WebClient} or {@code WebTestClient} a token for
   * {@code scopes}, asked for again before it expires.
   */
  ExchangeFilterFunction authorization(String... scopes) {
    RenewingToken token = new RenewingToken(() -> auth.token(scopes));
    return (request, next) ->
        next.exchange(
            ClientRequest.from(request).headers(h -> h.setBearerAuth(token.get())).build());
  }

  /** The arguments every service of this test gets: security on, trusting {@link #auth}. */
  private List<String> security() {
    return List.of(auth.serviceArgs());
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
            "--vitalflow.ingest.topic-prefix=" + topicPrefix,
            "--vitalflow.ingest.devices.vitalflow-cli=*",
            "--vitalflow.ingest.devices.vitalflow-gateway=*",
            "--vitalflow.ingest.devices.vitalflow-backend=*");
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
    List<String> args = new ArrayList<>(List.of(processorOwnArgs(stateDir)));
    args.addAll(security());
    return args.toArray(String[]::new);
  }

  private String[] processorOwnArgs(Path stateDir) {
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
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.containsAll(security())) { // the processor's arguments have them already
      all.addAll(security());
    }
    ConfigurableApplicationContext context =
        builder.registerShutdownHook(false).run(all.toArray(String[]::new));
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
