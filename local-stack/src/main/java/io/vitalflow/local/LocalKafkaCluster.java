package io.vitalflow.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three Kafka nodes in KRaft mode on this machine (each a combined broker and controller, a child
 * JVM from the {@code kafka_2.13} artifact on this JVM's class path), for {@code ./vitalflow
 * cluster} and the fault tests. Replication factor 3 and {@code min.insync.replicas=2} are the
 * brokers' defaults, so every topic a service creates without naming a factor survives one node.
 *
 * <p>Clients and brokers authenticate with SASL/SCRAM-SHA-512 on the one broker listener
 * (SASL_PLAINTEXT on 127.0.0.1; no TLS): the credentials are generated into {@code
 * dataDir/credentials.properties} at the first start and bootstrapped into the metadata log when
 * the storage is formatted. The controller listener stays PLAINTEXT on 127.0.0.1 (only the nodes
 * talk on it). Unlike {@link LocalKafka} (one node, no authentication), which the tests share.
 *
 * <p>A node can be killed ({@link #kill(int)}, SIGKILL), stopped ({@link #stop(int)}, SIGTERM) and
 * started again on its data ({@link #start(int)}); {@link #activeController()} and {@link
 * #leaderOfMostPartitions()} name the node a fault test aims at.
 */
public final class LocalKafkaCluster implements AutoCloseable {

  /** The SASL mechanism of every client and broker connection. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  /** The user the services connect as. */
  public static final String CLIENT_USER = "vitalflow";

  private static final String BROKER_USER = "vitalflow-broker";
  private static final int NODES = 3;
  private static final Logger log = LoggerFactory.getLogger(LocalKafkaCluster.class);

  private final Path dataDir;
  private final String heap;
  private final int[] ports = new int[NODES + 1];
  private final int[] controllerPorts = new int[NODES + 1];
  private final Process[] processes = new Process[NODES + 1];
  private final String clientPassword;
  private final String brokerPassword;

  private LocalKafkaCluster(Path dataDir, String heap, Map<String, String> credentials) {
    this.dataDir = dataDir;
    this.heap = heap;
    this.clientPassword = credentials.get("client.password");
    this.brokerPassword = credentials.get("broker.password");
    for (int node = 1; node <= NODES; node++) {
      ports[node] = Integer.parseInt(credentials.get("node." + node + ".port"));
      controllerPorts[node] =
          Integer.parseInt(credentials.get("node." + node + ".controller-port"));
    }
  }

  /**
   * Starts three nodes with their logs under {@code dataDir/node-N} (kept across starts, as are the
   * ports and credentials in {@code dataDir/credentials.properties}), each with {@code heap}.
   */
  public static LocalKafkaCluster start(Path dataDir, String heap) {
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      LocalKafkaCluster cluster = new LocalKafkaCluster(dataDir, heap, credentials(dataDir));
      cluster.formatIfNew();
      for (int node = 1; node <= NODES; node++) {
        cluster.launch(node);
      }
      for (int node = 1; node <= NODES; node++) {
        cluster.awaitReady(node, Duration.ofMinutes(2));
      }
      cluster.writeClientProperties();
      log.info(
          "Kafka cluster (3 KRaft nodes, SASL/SCRAM) ready at {} in {} ms",
          cluster.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local Kafka cluster in " + dataDir, e);
    }
  }

  /** The ports and secrets of this data directory, made at its first use (mode 600). */
  private static Map<String, String> credentials(Path dataDir) throws IOException {
    Path file = dataDir.resolve("credentials.properties");
    Map<String, String> values = new TreeMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        int equals = line.indexOf('=');
        if (equals > 0 && !line.startsWith("#")) {
          values.put(line.substring(0, equals), line.substring(equals + 1));
        }
      }
      return values;
    }
    values.put("client.user", CLIENT_USER);
    values.put("client.password", secret());
    values.put("broker.password", secret());
    for (int node = 1; node <= NODES; node++) {
      values.put("node." + node + ".port", Integer.toString(FreePorts.next()));
      values.put("node." + node + ".controller-port", Integer.toString(FreePorts.next()));
    }
    String text =
        "# generated by LocalKafkaCluster: SCRAM credentials and ports of this local cluster\n"
            + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(file, text);
    file.toFile().setReadable(false, false);
    file.toFile().setReadable(true, true);
    file.toFile().setWritable(false, false);
    file.toFile().setWritable(true, true);
    return values;
  }

  private static String secret() {
    byte[] bytes = new byte[18];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** Bootstrap servers of all three nodes. */
  public String bootstrapServers() {
    List<String> all = new ArrayList<>();
    for (int node = 1; node <= NODES; node++) {
      all.add("127.0.0.1:" + ports[node]);
    }
    return String.join(",", all);
  }

  /** The client port of one node (1 to 3). */
  public int port(int node) {
    return ports[node];
  }

  /** The node ids, 1 to 3. */
  public List<Integer> nodes() {
    return List.of(1, 2, 3);
  }

  /** The JAAS line of the services' user. */
  public String jaasConfig() {
    return jaas(CLIENT_USER, clientPassword);
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** What a Kafka client needs to connect: bootstrap servers and the SASL settings. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    config.put("sasl.mechanism", MECHANISM);
    config.put("sasl.jaas.config", jaasConfig());
    return config;
  }

  /** The same as environment variables of a Spring Boot service ({@code SPRING_KAFKA_...}). */
  public Map<String, String> springEnvironment() {
    return Map.of(
        "SPRING_KAFKA_BOOTSTRAP_SERVERS",
        bootstrapServers(),
        "SPRING_KAFKA_SECURITY_PROTOCOL",
        "SASL_PLAINTEXT",
        "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
        MECHANISM,
        "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
        jaasConfig());
  }

  /** {@code dataDir/client.properties}: for Kafka's own tools ({@code --command-config}). */
  public Path clientPropertiesFile() {
    return dataDir.resolve("client.properties");
  }

  private void writeClientProperties() throws IOException {
    Files.writeString(
        clientPropertiesFile(),
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism="
            + MECHANISM
            + "\nsasl.jaas.config="
            + jaasConfig()
            + "\n");
  }

  private Path nodeDir(int node) {
    return dataDir.resolve("node-" + node);
  }

  private void formatIfNew() throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    for (int node = 1; node <= NODES; node++) {
      Path config = writeConfig(node);
      if (Files.exists(nodeDir(node).resolve("logs").resolve("meta.properties"))) {
        continue;
      }
      Path logFile = nodeDir(node).resolve("format.log");
      Process format =
          java(
              List.of(
                  "kafka.tools.StorageTool",
                  "format",
                  "-t",
                  clusterId,
                  "-c",
                  config.toString(),
                  "--add-scram",
                  MECHANISM + "=[name=" + CLIENT_USER + ",password=" + clientPassword + "]",
                  "--add-scram",
                  MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]"),
              logFile,
              "256m");
      try {
        if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
          format.destroyForcibly();
          throw new IllegalStateException("Formatting Kafka storage failed, see " + logFile);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
      }
    }
  }

  private Path writeConfig(int node) throws IOException {
    Files.createDirectories(nodeDir(node));
    List<String> voters = new ArrayList<>();
    for (int n = 1; n <= NODES; n++) {
      voters.add(n + "@127.0.0.1:" + controllerPorts[n]);
    }
    String config =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=" + node,
            "controller.quorum.voters=" + String.join(",", voters),
            "listeners=SASL_PLAINTEXT://127.0.0.1:"
                + ports[node]
                + ",CONTROLLER://127.0.0.1:"
                + controllerPorts[node],
            "advertised.listeners=SASL_PLAINTEXT://127.0.0.1:" + ports[node],
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=SASL_PLAINTEXT",
            "listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms=" + MECHANISM,
            "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
                + jaas(BROKER_USER, brokerPassword),
            "log.dirs=" + nodeDir(node).resolve("logs"),
            "num.partitions=6",
            "default.replication.factor=3",
            "min.insync.replicas=2",
            "unclean.leader.election.enable=false",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=3",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=3",
            "transaction.state.log.min.isr=2",
            "transaction.state.log.num.partitions=6",
            "share.coordinator.state.topic.replication.factor=3",
            "share.coordinator.state.topic.min.isr=2",
            "group.initial.rebalance.delay.ms=0",
            "log.retention.check.interval.ms=60000",
            "");
    Path file = nodeDir(node).resolve("server.properties");
    Files.writeString(file, config);
    return file;
  }

  private synchronized void launch(int node) throws IOException {
    Path pidFile = nodeDir(node).resolve("broker.pid");
    Leftovers.stop(pidFile, "Kafka node " + node, "kafka.Kafka");
    processes[node] =
        java(
            List.of("kafka.Kafka", nodeDir(node).resolve("server.properties").toString()),
            nodeDir(node).resolve("broker.log"),
            heap);
    Leftovers.record(pidFile, processes[node].pid());
  }

  private Process java(List<String> mainAndArgs, Path logFile, String maxHeap) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseG1GC");
    command.add("-Dlog4j2.level=WARN");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
  }

  /** Waits until {@code node} answers metadata requests as an authenticated client. */
  public void awaitReady(int node, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && isAlive(node) && !portOpen(ports[node])) {
      sleep(100);
    }
    Map<String, Object> config = clientConfig();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports[node]);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        if (!isAlive(node)) {
          throw new IllegalStateException(
              "Kafka node " + node + " exited, see " + nodeDir(node).resolve("broker.log"));
        }
        try {
          int seen =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .size();
          if (seen > 0) {
            return;
          }
        } catch (Exception notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Kafka node " + node + " not ready within " + timeout, notYet);
          }
        }
        sleep(200);
      }
    }
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  public synchronized boolean isAlive(int node) {
    return processes[node] != null && processes[node].isAlive();
  }

  /** The process id of a running node, or -1. */
  public synchronized long pid(int node) {
    return isAlive(node) ? processes[node].pid() : -1;
  }

  /** SIGKILL of one node, as a crash; returns when it is gone. */
  public void kill(int node) {
    Process process;
    synchronized (this) {
      process = processes[node];
    }
    if (process != null) {
      process.destroyForcibly();
      waitFor(process, Duration.ofSeconds(30));
    }
  }

  /** SIGTERM of one node (a controlled shutdown: it hands its leaderships over first). */
  public void stop(int node) {
    Process process;
    synchronized (this) {
      process = processes[node];
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!waitFor(process, Duration.ofSeconds(60))) {
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
      }
    }
  }

  /** Starts a stopped or killed node again on its data and waits until it answers. */
  public void start(int node) {
    if (isAlive(node)) {
      return;
    }
    try {
      launch(node);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Kafka node " + node, e);
    }
    awaitReady(node, Duration.ofMinutes(2));
  }

  /** The node that leads the KRaft metadata quorum now. */
  public int activeController() {
    try (Admin admin = Admin.create(adminConfig())) {
      return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS).leaderId();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot describe the metadata quorum", e);
    }
  }

  /** How many partitions (of every topic, internal ones too) each node leads. */
  public Map<Integer, Integer> leadersByNode() {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (TopicDescription topic : describeAll().values()) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        if (partition.leader() != null) {
          counts.merge(partition.leader().id(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /** The node leading the most partitions. */
  public int leaderOfMostPartitions() {
    return leadersByNode().entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow(() -> new IllegalStateException("no partition has a leader"));
  }

  /** Every topic (internal ones too) with its partitions, leaders and replicas. */
  public Map<String, TopicDescription> describeAll() {
    try (Admin admin = Admin.create(adminConfig())) {
      var names =
          admin
              .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
              .names()
              .get(20, TimeUnit.SECONDS);
      return admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot describe the topics", e);
    }
  }

  /** Whether every partition of every topic has all its replicas in sync again. */
  public boolean fullyReplicated() {
    return describeAll().values().stream()
        .flatMap(topic -> topic.partitions().stream())
        .allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size());
  }

  private Map<String, Object> adminConfig() {
    Map<String, Object> config = clientConfig();
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return config;
  }

  /** Stops every node (SIGTERM, the controllers last would not matter: all at once). */
  @Override
  public void close() {
    for (int node = 1; node <= NODES; node++) {
      Process process = processes[node];
      if (process != null && process.isAlive()) {
        process.destroy();
      }
    }
    for (int node = 1; node <= NODES; node++) {
      Process process = processes[node];
      if (process != null && !waitFor(process, Duration.ofSeconds(30))) {
        process.destroyForcibly();
      }
      try {
        Files.deleteIfExists(nodeDir(node).resolve("broker.pid"));
      } catch (IOException e) {
        log.debug("Cannot delete broker.pid", e);
      }
    }
  }

  private static boolean waitFor(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
