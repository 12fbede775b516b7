package io.vitalflow.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), started as a
 * child JVM from the {@code kafka_2.13} artifact on this JVM's class path. No Docker, no download.
 * The owner stops it with {@link #close()}, after everything that uses it.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final String heap;
  private Process process;

  private LocalKafka(Path dataDir, int port, String heap) {
    this.dataDir = dataDir;
    this.port = port == 0 ? FreePorts.next() : port;
    this.controllerPort = FreePorts.next();
    this.heap = heap;
  }

  /** Starts a broker whose log lives under {@code dataDir}; {@code port} 0 picks a free one. */
  public static LocalKafka start(Path dataDir, int port) {
    return start(dataDir, port, "768m");
  }

  public static LocalKafka start(Path dataDir, int port, String heap) {
    LocalKafka kafka = new LocalKafka(dataDir, port, heap);
    kafka.startProcess();
    return kafka;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  private void startProcess() {
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      Path config = writeConfig();
      Path logs = dataDir.resolve("logs");
      if (!Files.exists(logs.resolve("meta.properties"))) {
        run(
            List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString()),
            dataDir.resolve("format.log"),
            Duration.ofMinutes(2));
      }
      Leftovers.stop(dataDir.resolve("broker.pid"), "Kafka broker", "kafka.Kafka");
      process = java(List.of("kafka.Kafka", config.toString()), dataDir.resolve("broker.log"));
      Leftovers.record(dataDir.resolve("broker.pid"), process.pid());
      awaitReady(Duration.ofMinutes(2));
      log.info(
          "Kafka broker (KRaft) ready at {} in {} ms, log dir {}",
          bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          logs);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local Kafka broker in " + dataDir, e);
    }
  }

  private Path writeConfig() throws IOException {
    String config =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + dataDir.resolve("logs"),
            "num.partitions=6",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=6",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.retention.check.interval.ms=60000",
            "");
    Path file = dataDir.resolve("server.properties");
    Files.writeString(file, config);
    return file;
  }

  private Process java(List<String> mainAndArgs, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseG1GC");
    command.add("-Dlog4j2.level=WARN");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    return builder.start();
  }

  private void run(List<String> mainAndArgs, Path logFile, Duration timeout) throws IOException {
    Process formatter = java(mainAndArgs, logFile);
    try {
      if (!formatter.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          || formatter.exitValue() != 0) {
        formatter.destroyForcibly();
        throw new IllegalStateException("Formatting Kafka storage failed, see " + logFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitPortOpen(deadline);
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            3000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Kafka broker exited with "
                  + process.exitValue()
                  + ", see "
                  + dataDir.resolve("broker.log"));
        }
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
              .nodes()
              .get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka broker not ready within " + timeout, notYet);
          }
          sleep(200);
        }
      }
    }
  }

  private void awaitPortOpen(long deadline) {
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (var socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
  }

  /** Stops the broker the hard way, as a crash would. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(30));
    }
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!waitFor(Duration.ofSeconds(30))) {
        process.destroyForcibly();
      }
    }
    try {
      Files.deleteIfExists(dataDir.resolve("broker.pid"));
    } catch (IOException e) {
      log.debug("Cannot delete broker.pid", e);
    }
  }

  private boolean waitFor(Duration timeout) {
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
