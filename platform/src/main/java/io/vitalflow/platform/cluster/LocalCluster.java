package io.vitalflow.platform.cluster;

import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalKafkaCluster;
import io.vitalflow.local.LocalPostgres;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VitalFlow cluster on this machine (issue 17): three Kafka nodes (KRaft, replication factor 3,
 * {@code min.insync.replicas=2}, SASL/SCRAM), PostgreSQL, the local authorization server (in this
 * JVM), N instances of each service as {@code java -jar} processes configured by environment
 * variables only, and HAProxy in front of the gateway, FHIR and dashboard instances. {@link
 * #close()} stops everything in order: HAProxy, the services, the brokers, PostgreSQL.
 *
 * <p>The fault scenario and the tests use its handles: {@link #kill}, {@link #terminate}, {@link
 * #restart}, {@link #killBroker}, {@link #restartBroker}, {@link #leaderOfMostPartitions()}, {@link
 * #activeController()}, {@link #restartPostgres()}.
 */
public final class LocalCluster implements AutoCloseable {

  /** A service instance starts within this (two JVMs starting at once on two cores). */
  static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  /** SIGTERM bound: 20 s of requests in flight, 30 s of Streams close, then the beans. */
  static final Duration STOP_BOUND = Duration.ofSeconds(75);

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  private final ClusterOptions options;
  private final Map<Service, List<ServiceInstance>> instances = new EnumMap<>(Service.class);
  private final Map<Service, Integer> fronts = new EnumMap<>(Service.class);
  private LocalPostgres postgres;
  private int postgresPort;
  private PostgresCoordinates database;
  private LocalKafkaCluster kafka;
  private LocalAuthServer auth;
  private Haproxy haproxy;

  private LocalCluster(ClusterOptions options) {
    this.options = options;
    this.fronts.putAll(options.fronts());
  }

  /** Starts everything (a few minutes on two cores); on failure, stops what did start. */
  public static LocalCluster start(ClusterOptions options) {
    LocalCluster cluster = new LocalCluster(options);
    try {
      cluster.startAll();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll() {
    Path data = options.dataDir().toAbsolutePath();
    long started = System.nanoTime();
    CompletableFuture<Void> pg =
        CompletableFuture.runAsync(
            () -> {
              postgresPort =
                  options.postgresPort() == 0 ? FreePorts.next() : options.postgresPort();
              postgres = LocalPostgres.start(data.resolve("postgres"), postgresPort);
              database = postgres.database("vitalflow");
            });
    kafka = LocalKafkaCluster.start(data.resolve("kafka"), options.brokerHeap());
    auth =
        LocalAuthServer.start(
            data,
            "vitalflow.auth.ward-redirect-uris=http://127.0.0.1:"
                + front(Service.DASHBOARD)
                + "/ward/callback");
    pg.join();
    Path logs = data.resolve("logs");
    for (Service service : Service.values()) {
      List<ServiceInstance> list = new ArrayList<>();
      for (int i = 1; i <= options.instances(service); i++) {
        int port = options.fixedPorts() ? service.basePort() + i - 1 : FreePorts.next();
        list.add(
            new ServiceInstance(
                service,
                i,
                port,
                jar(service),
                options.jvmOptions(),
                environment(service, i, data),
                logs));
      }
      instances.put(service, list);
    }
    // the processor and the FHIR API create the topics (replication 3) and migrate the schema;
    // the gateway and the dashboards need both
    startAndAwait(List.of(Service.PROCESSOR, Service.FHIR));
    startAndAwait(List.of(Service.INGEST, Service.DASHBOARD));
    for (Service service : List.of(Service.INGEST, Service.FHIR, Service.DASHBOARD)) {
      if (instances.get(service).isEmpty()) {
        fronts.remove(service);
      } else {
        front(service);
      }
    }
    fronts.remove(Service.PROCESSOR);
    haproxy = Haproxy.start(data.resolve("haproxy"), fronts, instances);
    for (Service service : fronts.keySet()) {
      awaitFront(service, Duration.ofSeconds(30));
    }
    log.info("Cluster ready in {} s", (System.nanoTime() - started) / 1_000_000_000);
  }

  /** Waits until HAProxy passes a readiness probe of {@code service} to a ready instance. */
  private void awaitFront(Service service, Duration timeout) {
    java.net.http.HttpClient client =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!haproxy.alive()) {
        throw new IllegalStateException(
            "HAProxy exited, see " + haproxy.config().resolveSibling("haproxy.log"));
      }
      try {
        var answer =
            client.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url(service) + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
    }
    throw new IllegalStateException(
        "HAProxy does not pass " + service.module() + " within " + timeout);
  }

  private int front(Service service) {
    return fronts.computeIfAbsent(service, s -> FreePorts.next());
  }

  private void startAndAwait(List<Service> services) {
    List<ServiceInstance> starting = new ArrayList<>();
    for (Service service : services) {
      starting.addAll(instances.get(service));
    }
    starting.forEach(ServiceInstance::start);
    starting.forEach(instance -> instance.awaitReady(START_TIMEOUT));
  }

  private Path jar(Service service) {
    return options
        .root()
        .resolve(service.module())
        .resolve("target")
        .resolve(service.module() + "-" + options.version() + "-exec.jar")
        .toAbsolutePath()
        .normalize();
  }

  /** What one instance gets: only environment variables (docs/deployment.md's table). */
  private Map<String, String> environment(Service service, int index, Path data) {
    Map<String, String> env = new HashMap<>(kafka.springEnvironment());
    env.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", auth.issuer());
    env.put("VITALFLOW_KB_STORE", data.resolve("kb").toString());
    env.putAll(options.extraEnvironment());
    String jdbc = database.jdbcUrl();
    switch (service) {
      case PROCESSOR -> {
        datasource(env);
        env.put(
            "VITALFLOW_PROCESSOR_STATE_DIR",
            data.resolve("state").resolve("processor-" + index).toString());
        env.put("VITALFLOW_PROCESSOR_REPLICATION_FACTOR", "3");
      }
      case FHIR -> {
        datasource(env);
        env.put(
            "VITALFLOW_FHIR_STATE_DIR", data.resolve("state").resolve("fhir-" + index).toString());
        env.put("VITALFLOW_FHIR_REPLICATION_FACTOR", "3");
      }
      case INGEST -> {
        env.put(
            "SPRING_APPLICATION_JSON",
            "{\"vitalflow\":{\"ingest\":{\"devices\":{\"vitalflow-gateway\":[\"monitor-*\"],"
                + "\"vitalflow-cli\":[\"*\"],\"vitalflow-backend\":[\"*\"]}}}}");
      }
      case DASHBOARD -> {
        env.put("SPRING_R2DBC_URL", jdbc.replaceFirst("^jdbc:", "r2dbc:"));
        env.put("SPRING_R2DBC_USERNAME", database.user());
        env.put("SPRING_R2DBC_PASSWORD", database.password());
      }
    }
    return env;
  }

  private void datasource(Map<String, String> env) {
    env.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
    env.put("SPRING_DATASOURCE_USERNAME", database.user());
    env.put("SPRING_DATASOURCE_PASSWORD", database.password());
  }

  // ---- handles for faults and tests

  /** The instances of {@code service}, in index order. */
  public synchronized List<ServiceInstance> instances(Service service) {
    return List.copyOf(instances.getOrDefault(service, List.of()));
  }

  /**
   * Starts one more instance of {@code service} with the next index and the same settings as the
   * others (its own port and state directory), without waiting for its readiness: the scale-out
   * scenario measures that. Only for services without an HAProxy front (the processor): HAProxy's
   * configuration is written once, at start.
   */
  public synchronized ServiceInstance add(Service service) {
    if (fronts.containsKey(service)) {
      throw new IllegalArgumentException(
          service.module() + " is behind HAProxy, whose configuration is not reloaded");
    }
    Path data = options.dataDir().toAbsolutePath();
    List<ServiceInstance> list = instances.computeIfAbsent(service, s -> new ArrayList<>());
    int index = list.size() + 1;
    int port = options.fixedPorts() ? service.basePort() + index - 1 : FreePorts.next();
    ServiceInstance instance =
        new ServiceInstance(
            service,
            index,
            port,
            jar(service),
            options.jvmOptions(),
            environment(service, index, data),
            data.resolve("logs"));
    list.add(instance);
    instance.start();
    log.info("Added {} on port {}", instance.name(), port);
    return instance;
  }

  /** Instance {@code index} (from 1) of {@code service}. */
  public ServiceInstance instance(Service service, int index) {
    return instances.get(service).get(index - 1);
  }

  /** Whether every instance of every service answers its readiness probe with 200. */
  public boolean allInstancesReady() {
    return instances.values().stream().flatMap(List::stream).allMatch(ServiceInstance::ready);
  }

  /** SIGKILL of one instance. */
  public void kill(Service service, int index) {
    instance(service, index).kill();
  }

  /** SIGTERM of one instance, waiting for its exit; the exit code (143) or -1. */
  public int terminate(Service service, int index) {
    return instance(service, index).terminate(STOP_BOUND);
  }

  /** Starts a stopped instance again and waits until it is ready. */
  public void restart(Service service, int index) {
    ServiceInstance instance = instance(service, index);
    instance.start();
    instance.awaitReady(START_TIMEOUT);
  }

  /** SIGKILL of a Kafka node. */
  public void killBroker(int node) {
    kafka.kill(node);
  }

  /** Starts a Kafka node again on its data. */
  public void restartBroker(int node) {
    kafka.start(node);
  }

  public int leaderOfMostPartitions() {
    return kafka.leaderOfMostPartitions();
  }

  public int activeController() {
    return kafka.activeController();
  }

  /** Stops PostgreSQL (fast shutdown) and starts it again on the same data and port. */
  public void restartPostgres() {
    postgres.close();
    postgres =
        LocalPostgres.start(options.dataDir().toAbsolutePath().resolve("postgres"), postgresPort);
  }

  public LocalKafkaCluster kafka() {
    return kafka;
  }

  public LocalAuthServer auth() {
    return auth;
  }

  /** The {@code vitalflow} database. */
  public PostgresCoordinates database() {
    return database;
  }

  /** HAProxy's URL for the gateway, FHIR API or dashboards. */
  public String url(Service service) {
    Integer port = fronts.get(service);
    if (port == null) {
      throw new IllegalArgumentException(service + " has no HAProxy front");
    }
    return "http://127.0.0.1:" + port;
  }

  /** Lines that tell a person where everything is. */
  public List<String> addresses() {
    List<String> lines = new ArrayList<>();
    Map<String, String> fronted = new LinkedHashMap<>();
    fronted.put("ingest (HAProxy)", fronts.containsKey(Service.INGEST) ? url(Service.INGEST) : "-");
    fronted.put("FHIR API (HAProxy)", fronts.containsKey(Service.FHIR) ? url(Service.FHIR) : "-");
    fronted.put(
        "dashboards (HAProxy)",
        fronts.containsKey(Service.DASHBOARD) ? url(Service.DASHBOARD) : "-");
    fronted.forEach((what, url) -> lines.add(String.format("  %-22s %s", what, url)));
    lines.add(
        String.format(
            "  %-22s %s (SASL_PLAINTEXT, SCRAM-SHA-512; client settings in %s)",
            "Kafka (3 KRaft nodes)", kafka.bootstrapServers(), kafka.clientPropertiesFile()));
    lines.add(String.format("  %-22s %s", "PostgreSQL", database.jdbcUrl()));
    lines.add(String.format("  %-22s %s", "authorization server", auth.issuer()));
    for (List<ServiceInstance> list : instances.values()) {
      for (ServiceInstance instance : list) {
        lines.add(
            String.format(
                "  %-22s %s/actuator/prometheus (pid %d, log %s)",
                instance.name(), instance.base(), instance.pid(), instance.logFile()));
      }
    }
    lines.add(
        "  token:                 ./vitalflow token --data-dir="
            + options.dataDir()
            + " --scope='system/*.rs'");
    return lines;
  }

  /** Stops in order: HAProxy, the services (SIGTERM, all at once), the brokers, PostgreSQL. */
  @Override
  public synchronized void close() {
    if (haproxy != null) {
      haproxy.close();
      haproxy = null;
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (List<ServiceInstance> list : instances.values()) {
      for (ServiceInstance instance : list) {
        stopping.add(CompletableFuture.runAsync(() -> instance.terminate(STOP_BOUND)));
      }
    }
    stopping.forEach(CompletableFuture::join);
    instances.clear();
    if (auth != null) {
      auth.close();
      auth = null;
    }
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }
}
