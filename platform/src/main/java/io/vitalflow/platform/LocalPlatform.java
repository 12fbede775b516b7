package io.vitalflow.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.vitalflow.auth.AuthFiles;
import io.vitalflow.auth.AuthServerApplication;
import io.vitalflow.auth.DevelopmentClients;
import io.vitalflow.auth.RenewingToken;
import io.vitalflow.auth.TokenClient;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.fhir.FhirApiApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.interactions.kb.KnowledgeWatcher;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.engine.Durations;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.simulator.DeviceSimulator;
import io.vitalflow.local.Leftovers;
import io.vitalflow.local.LocalKafka;
import io.vitalflow.local.LocalPostgres;
import io.vitalflow.processor.VitalsProcessorApplication;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The whole platform in one JVM: a local Kafka broker (KRaft) and PostgreSQL unless external ones
 * are given, every service, and a device simulator. Stops everything in order on Ctrl-C.
 *
 * <p>The flags are those of {@link StartCommand} ({@code ./vitalflow start --help}). The local
 * PostgreSQL asks for a generated password, kept in {@code <data-dir>/postgres.password} (mode
 * 600).
 */
public final class LocalPlatform implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

  /** The services {@code --services} can name, in start order. */
  static final List<String> SERVICES = List.of("processor", "ingest", "fhir", "dashboard");

  private static final String NOT_STARTED = "(not started)";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Map<String, String> flags;

  /** The HTTP port of each started service, by its {@code --services} name (and {@code auth}). */
  final Map<String, Integer> ports = new ConcurrentHashMap<>();

  /** The local authorization server's issuer URL, once it runs. */
  volatile String issuer;

  /** The device simulator, if one runs. */
  volatile DeviceSimulator simulator;

  LocalPlatform(Map<String, String> flags) {
    this.flags = flags;
  }

  public static void main(String[] args) throws InterruptedException {
    StartCommand command = new StartCommand();
    CommandLine line = Cli.of(command);
    try {
      line.parseArgs(args);
    } catch (ParameterException e) {
      refuse(new IllegalArgumentException(Cli.message(e), e));
      return;
    }
    if (line.isUsageHelpRequested()) {
      line.usage(System.out);
      return;
    }
    launch(command.given());
  }

  /**
   * Starts the platform with the flags given (by name, without {@code --}) and waits until it is
   * stopped.
   */
  static void launch(Map<String, String> flags) throws InterruptedException {
    LocalPlatform platform = new LocalPlatform(flags);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  platform.close();
                  stopped.countDown();
                },
                "platform-stop"));
    try {
      platform.start();
    } catch (IllegalArgumentException e) {
      refuse(e);
    } catch (RuntimeException e) {
      log.error("VitalFlow failed to start", e);
      System.exit(1);
    }
    stopped.await();
  }

  /**
   * Makes this launcher the owner of {@code dataDir}: refuses when another running launcher owns it
   * (its broker and database are in use), else records this one in {@code launcher.pid}. A broker
   * or database a killed launcher left running is stopped by {@link LocalKafka} and {@link
   * LocalPostgres} before they start anew.
   */
  static void claim(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data directory " + dataDir, e);
    }
    Path pidFile = dataDir.resolve("launcher.pid");
    Leftovers.running(pidFile, LocalPlatform.class.getName())
        .ifPresent(
            other -> {
              throw new IllegalArgumentException(
                  "another ./vitalflow start (pid "
                      + other.pid()
                      + ") is running on "
                      + dataDir
                      + "; stop it first or give --data-dir");
            });
    Leftovers.record(pidFile, ProcessHandle.current().pid());
  }

  /** A bad flag or flag value: one line naming it, exit code 2. */
  private static void refuse(IllegalArgumentException e) {
    System.err.println("vitalflow: " + e.getMessage() + " (flags: docs/operations.md)");
    System.exit(2);
  }

  void start() {
    Set<String> services = services(flag("services", String.join(",", SERVICES)));
    String bind = bindAddress(flag("bind", "127.0.0.1"));
    String host = urlHost(bind);
    Path dataDir = Path.of(flag("data-dir", ".vitalflow")).toAbsolutePath();
    claim(dataDir);
    startAuthServer(dataDir, bind, host);
    // the drug-interaction checkers load every knowledge-base version `./vitalflow kb
    // import-rxnorm` writes here
    if (System.getProperty(KnowledgeWatcher.STORE_PROPERTY) == null) {
      System.setProperty(
          KnowledgeWatcher.STORE_PROPERTY, dataDir.resolve(KbCommand.STORE).toString());
    }
    String kafka = flags.get("kafka");
    if (kafka == null) {
      LocalKafka broker =
          LocalKafka.start(dataDir.resolve("kafka"), Integer.parseInt(flag("kafka-port", "19092")));
      started.push(broker);
      kafka = broker.bootstrapServers();
    }
    TopicAdmin.ensureTopics(kafka, "", Short.parseShort(flag("replication-factor", "1")));

    // --jdbc-url goes to every service as spring.datasource.url, whole: its parameters (sslmode,
    // ...) reach the driver
    String jdbcUrl;
    String jdbcUser;
    String jdbcPassword;
    if (flags.containsKey("jdbc-url")) {
      jdbcUrl = flags.get("jdbc-url");
      jdbcUser = flag("jdbc-user", "postgres");
      jdbcPassword = flag("jdbc-password", "postgres");
    } else {
      LocalPostgres postgres =
          LocalPostgres.start(
              dataDir.resolve("postgres"), Integer.parseInt(flag("postgres-port", "54329")));
      started.push(postgres);
      PostgresCoordinates database = postgres.database("vitalflow");
      jdbcUrl = database.jdbcUrl();
      jdbcUser = database.user();
      jdbcPassword = database.password();
    }
    migrate(jdbcUrl, jdbcUser, jdbcPassword);
    List<String> datasource =
        List.of(
            "--spring.datasource.url=" + jdbcUrl,
            "--spring.datasource.username=" + jdbcUser,
            "--spring.datasource.password=" + jdbcPassword);

    String processorPort =
        !services.contains("processor")
            ? NOT_STARTED
            : run(
                VitalsProcessorApplication.builder(),
                "--server.port=" + flag("processor-port", "8083"),
                "--server.address=" + bind,
                "--spring.kafka.bootstrap-servers=" + kafka,
                datasource.get(0),
                datasource.get(1),
                datasource.get(2),
                "--vitalflow.processor.state-dir=" + dataDir.resolve("streams"));
    String ingestPort =
        !services.contains("ingest")
            ? NOT_STARTED
            : run(
                IngestGatewayApplication.builder(),
                "--server.port=" + flag("ingest-port", "8081"),
                "--server.address=" + bind,
                "--spring.kafka.bootstrap-servers=" + kafka,
                // the device simulator's client sends for its bedside monitors, monitor-<n>
                // (DeviceSimulator), and no other device is accepted from it; the development
                // command line (README's curl lines) and loadgen's back-end client send for any
                "--vitalflow.ingest.devices." + DevelopmentClients.GATEWAY + "=monitor-*",
                "--vitalflow.ingest.devices." + DevelopmentClients.CLI + "=*",
                "--vitalflow.ingest.devices." + DevelopmentClients.BACKEND + "=*");
    String fhirPort =
        !services.contains("fhir")
            ? NOT_STARTED
            : run(
                FhirApiApplication.builder(),
                "--server.port=" + flag("fhir-port", "8082"),
                "--server.address=" + bind,
                "--spring.kafka.bootstrap-servers=" + kafka,
                datasource.get(0),
                datasource.get(1),
                datasource.get(2),
                "--vitalflow.fhir.state-dir=" + dataDir.resolve("fhir-streams"));
    String dashboardPort =
        !services.contains("dashboard")
            ? NOT_STARTED
            : run(
                DashboardPushApplication.builder(),
                "--server.port=" + flag("dashboard-port", "8084"),
                "--server.address=" + bind,
                "--spring.r2dbc.url=" + r2dbcUrl(jdbcUrl),
                "--spring.r2dbc.username=" + jdbcUser,
                "--spring.r2dbc.password=" + jdbcPassword,
                "--spring.kafka.bootstrap-servers=" + kafka);

    Map.of(
            "processor",
            processorPort,
            "ingest",
            ingestPort,
            "fhir",
            fhirPort,
            "dashboard",
            dashboardPort)
        .forEach(
            (name, port) -> {
              if (!NOT_STARTED.equals(port)) {
                ports.put(name, Integer.valueOf(port));
              }
            });

    int patients = Integer.parseInt(flag("patients", "500"));
    if (patients > 0 && services.contains("ingest")) {
      DeviceSimulator simulator =
          new DeviceSimulator(
              URI.create("http://" + host + ":" + ingestPort),
              patients,
              Durations.parse(flag("interval", "5s")),
              gatewayToken(dataDir));
      simulator.start();
      started.push(simulator);
      this.simulator = simulator;
    }

    String banner =
        String.join(
            "\n",
            "",
            "VitalFlow is running",
            "  authorization server   "
                + issuer
                + " (development users' passwords: "
                + dataDir.resolve("auth").resolve(AuthFiles.PASSWORDS)
                + ")",
            "  get a token            ./vitalflow token --scope='system/*.rs'   (or --patient=sim-1"
                + " --scope='patient/*.rs', --user=nurse-a; docs/security.md)",
            // the simulator's patients have readings, not Patient resources: a read of one is 404
            "  use it                 curl -H \"Authorization: Bearer $(./vitalflow token)\""
                + " 'http://127.0.0.1:"
                + fhirPort
                + "/fhir/Observation?patient=sim-1&category=vital-signs&_count=5'",
            "  ingest (POST vitals)   http://127.0.0.1:" + ingestPort + "/api/v1/vitals",
            "  FHIR R4 API            http://127.0.0.1:"
                + fhirPort
                + "/fhir (metadata: /fhir/metadata)",
            "  vital signs as FHIR    http://127.0.0.1:"
                + fhirPort
                + "/fhir/Observation?patient=sim-1&category=vital-signs&_count=5",
            "  vitals reads           http://127.0.0.1:"
                + fhirPort
                + "/api/v1/patients/sim-1/vitals/latest",
            "  live dashboards        http://127.0.0.1:"
                + dashboardPort
                + "/api/v1/dashboard/events?patients=sim-1 (SSE; WebSocket: /api/v1/dashboard/ws)",
            "  ward dashboard page    http://127.0.0.1:"
                + dashboardPort
                + "/?patients=sim-1,sim-2,sim-3,sim-4",
            "  metrics                http://"
                + host
                + ":"
                + ingestPort
                + "/actuator/prometheus (ingest), :"
                + processorPort
                + " (processor), :"
                + fhirPort
                + " (FHIR), :"
                + dashboardPort
                + " (dashboards)",
            "  Kafka                  " + kafka,
            "  PostgreSQL             "
                + jdbcUrl
                + " (user "
                + jdbcUser
                + (flags.containsKey("jdbc-url")
                    ? ")"
                    : ", password in "
                        + LocalPostgres.passwordFile(dataDir.resolve("postgres"))
                        + ")"),
            "  HTTP ports listen on   "
                + bind
                + (isLoopback(bind) ? " (this machine only; --bind=0.0.0.0 opens them)" : ""),
            "  device simulator       " + (patients > 0 ? patients + " patients" : "off"),
            "Press Ctrl-C to stop.",
            "");
    System.out.println(banner);
  }

  /**
   * The local identity provider, before every service: {@code --auth-port} (9000), the same bind
   * address, keys and secrets in {@code <data-dir>/auth/} where it also writes its URL for {@code
   * ./vitalflow token}. Its issuer is fixed to {@code http://<host>:<port>}, so tokens name the
   * same issuer however the server was reached.
   */
  private void startAuthServer(Path dataDir, String bind, String host) {
    int port = Integer.parseInt(flag("auth-port", "9000"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=" + port,
                "--server.address=" + bind,
                "--vitalflow.auth.data-dir=" + dataDir));
    if (port != 0) {
      args.add("--vitalflow.auth.issuer=http://" + host + ":" + port);
    }
    String dashboardPort = flag("dashboard-port", "8084");
    if (!dashboardPort.equals("0")) {
      args.add(
          "--vitalflow.auth.ward-redirect-uris=http://127.0.0.1:"
              + dashboardPort
              + "/ward/callback,http://localhost:"
              + dashboardPort
              + "/ward/callback");
    }
    String started = run(AuthServerApplication.builder(), args.toArray(String[]::new));
    ports.put("auth", Integer.valueOf(started));
    issuer = "http://" + host + ":" + started;
  }

  /** The device simulator's token: the gateway client's, renewed before it expires. */
  private RenewingToken gatewayToken(Path dataDir) {
    Path authDir = dataDir.resolve("auth");
    String secret =
        AuthFiles.read(authDir, AuthFiles.GATEWAY_SECRET)
            .orElseThrow(() -> new IllegalStateException("no gateway secret in " + authDir));
    TokenClient client = new TokenClient(URI.create(issuer + "/oauth2/token"));
    return new RenewingToken(
        () ->
            client.clientCredentials(
                DevelopmentClients.GATEWAY,
                secret,
                List.of(DevelopmentClients.DEVICE_SCOPE),
                Map.of()));
  }

  /**
   * Migrates before any service starts, with a short-lived pool of the URL as given (parameters and
   * all).
   */
  private static void migrate(String jdbcUrl, String user, String password) {
    try (HikariDataSource dataSource = new HikariDataSource()) {
      dataSource.setJdbcUrl(jdbcUrl);
      dataSource.setUsername(user);
      dataSource.setPassword(password);
      dataSource.setMaximumPoolSize(2);
      Migrations.migrate(dataSource);
    }
  }

  /**
   * The dashboards read over R2DBC: the same URL with the R2DBC scheme (the driver reads {@code
   * sslmode} and the other parameters both drivers know).
   */
  static String r2dbcUrl(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:") ? "r2dbc:" + jdbcUrl.substring("jdbc:".length()) : jdbcUrl;
  }

  /**
   * {@code --bind}: an IP address literal (no name look-up), e.g. {@code 127.0.0.1}, {@code
   * 0.0.0.0} or {@code ::1}.
   */
  static String bindAddress(String value) {
    IllegalArgumentException notAnAddress =
        new IllegalArgumentException(
            "--bind: '" + value + "' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
    if (!value.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
      throw notAnAddress;
    }
    try {
      return InetAddress.getByName(value).getHostAddress();
    } catch (UnknownHostException e) {
      throw notAnAddress;
    }
  }

  /**
   * The host for URLs to the services: the bound address, or loopback when bound to every address.
   */
  static String urlHost(String bind) {
    try {
      InetAddress address = InetAddress.getByName(bind);
      if (address.isAnyLocalAddress()) {
        return "127.0.0.1";
      }
      return address instanceof Inet6Address ? "[" + bind + "]" : bind;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * {@code --services=ingest,processor}: which services start (all by default); the others show as
   * not started.
   */
  static Set<String> services(String list) {
    return new LinkedHashSet<>(FlagValues.names("--services", "service", list, SERVICES));
  }

  /**
   * Starts one application; once the authorization server runs, every service gets its issuer
   * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}) and verifies tokens against it.
   */
  private String run(SpringApplicationBuilder builder, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (issuer != null) {
      all.add("--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer);
    }
    ConfigurableApplicationContext context =
        builder.registerShutdownHook(false).run(all.toArray(String[]::new));
    started.push(context::close);
    return Integer.toString(((WebServerApplicationContext) context).getWebServer().getPort());
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed", next, e);
      }
    }
  }

  private String flag(String name, String fallback) {
    return flags.getOrDefault(name, fallback);
  }
}
