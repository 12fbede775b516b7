package io.vitalflow.platform.cluster;

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
 * One instance of a service: its executable jar as a child process ({@code java -jar}), configured
 * by environment variables only, its output appended to {@code <log-dir>/<name>.log}. It can be
 * stopped with SIGTERM, killed with SIGKILL and started again with the same port, state directory
 * and environment.
 */
public final class ServiceInstance {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Service service;
  private final int index;
  private final int port;
  private final Path jar;
  private final List<String> jvmOptions;
  private final Map<String, String> env;
  private final Path log;
  private Process process;

  ServiceInstance(
      Service service,
      int index,
      int port,
      Path jar,
      List<String> jvmOptions,
      Map<String, String> env,
      Path logDir) {
    this.service = service;
    this.index = index;
    this.port = port;
    this.jar = jar;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.env = Map.copyOf(env);
    this.log = logDir.resolve(name() + ".log");
  }

  /** e.g. {@code fhir-api-2}. */
  public String name() {
    return service.module() + "-" + index;
  }

  public Service service() {
    return service;
  }

  public int index() {
    return index;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public Path logFile() {
    return log;
  }

  /** Starts the process (no-op while it runs); does not wait for readiness. */
  public synchronized void start() {
    if (alive()) {
      return;
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no executable jar " + jar + ": build the service modules first (./mvnw -Ddev install)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + service.heap());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      builder
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name(), e);
    }
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The process id, or -1 when it does not run. */
  public synchronized long pid() {
    return alive() ? process.pid() : -1;
  }

  /** Whether readiness answers 200 now. */
  public boolean ready() {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until readiness answers 200, failing early with the log's tail if the process dies. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process running;
      synchronized (this) {
        running = process;
      }
      if (running == null || !running.isAlive()) {
        throw new IllegalStateException(
            name()
                + " exited"
                + (running == null ? "" : " with " + running.exitValue())
                + ", see "
                + log
                + ":\n"
                + logTail(30));
      }
      if (ready()) {
        return;
      }
      sleep(300);
    }
    throw new IllegalStateException(name() + " not ready after " + timeout + ", see " + log);
  }

  /** SIGTERM and wait for the exit (SIGKILL after {@code bound}); the exit code or -1. */
  public int terminate(Duration bound) {
    Process running;
    synchronized (this) {
      running = process;
    }
    if (running == null || !running.isAlive()) {
      return -1;
    }
    running.destroy();
    try {
      if (running.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        return running.exitValue();
      }
      running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGKILL, as a crash; returns when the process is gone. */
  public void kill() {
    Process running;
    synchronized (this) {
      running = process;
    }
    if (running != null) {
      running.destroyForcibly();
      try {
        running.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log)";
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
