package io.vitalflow.platform.solo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service's executable jar as a child process, {@code java -jar}, configured by environment
 * variables only, as an operator would run it; its output goes to a file under {@code target/}.
 */
final class ServiceJar implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int port;
  private final Process process;
  private final Path log;

  private ServiceJar(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code jar} with a small heap and {@code env} (plus {@code SERVER_PORT} and {@code
   * SERVER_ADDRESS}); nothing else of this JVM's settings reaches it.
   */
  static ServiceJar start(String name, Path jar, int port, Map<String, String> env, Path logDir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no executable jar " + jar + ": build the service modules first (mvn package)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
    builder.environment().putAll(env);
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ServiceJar(name, port, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** A GET without a token; status and body, or null when nothing answers. */
  Answer get(String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until readiness answers 200, failing early with the log's tail if the process dies. */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      Answer readiness = get("/actuator/health/readiness");
      if (readiness != null && readiness.status() == 200) {
        return;
      }
      sleep(Duration.ofMillis(500));
    }
    throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + logTail());
  }

  /** SIGTERM ({@link Process#destroy()} on Linux). */
  void terminate() {
    process.destroy();
  }

  /** Waits for the exit; its code, or -1 if it still runs after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  boolean alive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP answer. */
  record Answer(int status, String body) {}
}
