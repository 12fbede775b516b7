package io.vitalflow.platform.solo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.local.FreePorts;
import io.vitalflow.local.LocalPostgres;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The FHIR API and the ingest gateway each on their own, as an operator runs them: their executable
 * jars ({@code java -jar <module>/target/<module>-<version>-exec.jar}) as child processes,
 * configured by environment variables only, on a real Kafka broker (the shared local stack) and a
 * PostgreSQL of this test's own (so that it can stop and start it), with security on against the
 * local authorization server. Checks the probes (open, status only), one real request each,
 * readiness following the database, and a SIGTERM while a request is in flight: the request
 * finishes, readiness is gone first, the process exits within the bound, the acknowledged write is
 * stored, and the consumer groups are left at once (docs/deployment.md).
 *
 * <p>Runs in the platform module's {@code integration-test} phase (failsafe), after every service
 * module's {@code package} made its jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneServicesIT {

  /**
   * What a stop may take: the web server's graceful phase (20 s at most) and the Kafka clients'
   * close; a stop with nothing slow in flight takes a few seconds.
   */
  private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(45);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
  private static final String UP = "{\"status\":\"UP\"}";
  private static final String DOWN = "{\"status\":\"DOWN\"}";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String fhirApplicationId = "solo-fhir-" + run;

  private LocalStack stack;
  private LocalAuthServer auth;
  private String topicPrefix;
  private Path work;
  private int postgresPort;
  private LocalPostgres postgres;
  private PostgresCoordinates database;
  private ServiceJar fhir;
  private ServiceJar ingest;

  @BeforeAll
  void startServices() throws IOException {
    stack = LocalStack.shared();
    auth = LocalAuthServer.shared();
    topicPrefix = stack.freshTopicPrefix();
    work = Files.createTempDirectory("vitalflow-solo-");
    postgresPort = FreePorts.next();
    postgres = LocalPostgres.start(work.resolve("postgres"), postgresPort);
    database = postgres.database("vitalflow");

    Map<String, String> common = new HashMap<>();
    common.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
    common.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", auth.issuer());
    common.put("VITALFLOW_AUDIT_TOPIC_PREFIX", topicPrefix);

    Map<String, String> fhirEnv = new HashMap<>(common);
    fhirEnv.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
    fhirEnv.put("SPRING_DATASOURCE_USERNAME", database.user());
    fhirEnv.put("SPRING_DATASOURCE_PASSWORD", database.password());
    fhirEnv.put("VITALFLOW_FHIR_TOPIC_PREFIX", topicPrefix);
    fhirEnv.put("VITALFLOW_FHIR_APPLICATION_ID", fhirApplicationId);
    fhirEnv.put("VITALFLOW_FHIR_STATE_DIR", work.resolve("fhir-streams").toString());

    Map<String, String> ingestEnv = new HashMap<>(common);
    ingestEnv.put("VITALFLOW_INGEST_TOPIC_PREFIX", topicPrefix);
    // a map keyed by an OAuth client id (with '-'): SPRING_APPLICATION_JSON, since an environment
    // variable's name cannot carry the key
    ingestEnv.put(
        "SPRING_APPLICATION_JSON",
        "{\"vitalflow\":{\"ingest\":{\"devices\":{\"vitalflow-cli\":[\"*\"]}}}}");

    Path logs = Path.of("target", "solo-logs");
    fhir = ServiceJar.start("fhir-api", jar("fhir-api"), FreePorts.next(), fhirEnv, logs);
    ingest =
        ServiceJar.start(
            "ingest-gateway", jar("ingest-gateway"), FreePorts.next(), ingestEnv, logs);
    fhir.awaitReady(START_TIMEOUT);
    ingest.awaitReady(START_TIMEOUT);
  }

  @AfterAll
  void stopEverything() {
    for (ServiceJar service : new ServiceJar[] {fhir, ingest}) {
      if (service != null) {
        service.close();
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  void probesAnswerWithoutATokenAndTellOnlyTheStatus() {
    for (ServiceJar service : List.of(fhir, ingest)) {
      for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
        ServiceJar.Answer answer = service.get(probe);
        assertThat(answer).as(service.name + probe).isNotNull();
        assertThat(answer.status()).as(service.name + probe).isEqualTo(200);
        assertThat(answer.body()).as(service.name + probe).isEqualTo(UP);
      }
    }
    // security is on: the same services refuse their API without a token
    assertThat(fhir.get("/fhir/Patient").status()).isEqualTo(401);
    assertThat(ingest.get("/actuator/prometheus").status()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void eachServiceServesARealRequest() throws Exception {
    HttpResponse<String> created =
        send(
            fhir,
            "POST",
            "/fhir/Patient",
            "application/fhir+json",
            auth.token("system/Patient.c"),
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Solo\"}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = patientId(created.headers().firstValue("Location").orElseThrow());

    HttpResponse<String> read =
        send(fhir, "GET", "/fhir/Patient/" + id, null, auth.token("system/Patient.r"), null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("Solo");

    HttpResponse<String> posted =
        send(
            ingest,
            "POST",
            "/api/v1/vitals",
            "application/json",
            auth.token("system/Observation.c"),
            reading("solo-real"));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    assertThat(posted.body()).contains("\"accepted\":1");
    assertThat(readingsOnTheTopic("solo-real", 1)).isEqualTo(1);
  }

  @Test
  @Order(3)
  void ingestFinishesTheRequestInFlightOnSigtermAndExitsInTime() throws Exception {
    try (SlowRequest inFlight =
        SlowRequest.begin(
            ingest.port,
            "POST",
            "/api/v1/vitals",
            "application/json",
            auth.token("system/Observation.c"),
            reading("solo-inflight"))) {
      ServiceJar.sleep(Duration.ofMillis(500)); // the server has the head and half the body
      long stopAt = System.nanoTime();
      ingest.terminate();

      // readiness is gone while the request is still open: no new connection is taken
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> notReady(ingest));
      assertThat(ingest.alive()).as("still draining the request in flight").isTrue();

      String answer = inFlight.finish();
      assertThat(SlowRequest.status(answer)).as(answer).isEqualTo(200);
      assertThat(answer).contains("\"accepted\":1");

      assertThat(ingest.awaitExit(SHUTDOWN_BOUND)).as(ingest.logTail()).isNotEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(SHUTDOWN_BOUND);
    }
    assertThat(ingest.logText()).contains("Commencing graceful shutdown");
    // acknowledged means on the broker, once
    assertThat(readingsOnTheTopic("solo-inflight", 1)).isEqualTo(1);
  }

  @Test
  @Order(4)
  void readinessFollowsTheDatabaseWhileLivenessStaysUp() {
    postgres.close();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              ServiceJar.Answer readiness = fhir.get("/actuator/health/readiness");
              return readiness != null
                  && readiness.status() == 503
                  && readiness.body().equals(DOWN);
            });
    ServiceJar.Answer liveness = fhir.get("/actuator/health/liveness");
    assertThat(liveness.status()).isEqualTo(200);
    assertThat(liveness.body()).isEqualTo(UP);

    postgres = LocalPostgres.start(work.resolve("postgres"), postgresPort);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              ServiceJar.Answer readiness = fhir.get("/actuator/health/readiness");
              return readiness != null && readiness.status() == 200;
            });
  }

  @Test
  @Order(5)
  void fhirFinishesTheWriteInFlightOnSigtermAndLeavesItsGroups() throws Exception {
    String answer;
    long stopAt;
    try (SlowRequest inFlight =
        SlowRequest.begin(
            fhir.port,
            "POST",
            "/fhir/Patient",
            "application/fhir+json",
            auth.token("system/Patient.c"),
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Inflight\"}]}")) {
      ServiceJar.sleep(Duration.ofMillis(500));
      stopAt = System.nanoTime();
      fhir.terminate();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> notReady(fhir));
      answer = inFlight.finish();
    }
    assertThat(SlowRequest.status(answer)).as(answer).isEqualTo(201);
    assertThat(fhir.awaitExit(SHUTDOWN_BOUND)).as(fhir.logTail()).isNotEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(SHUTDOWN_BOUND);

    // the command processor and the projection left their groups on the way out, so their
    // partitions move to the other instances now, not after a session timeout
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
      Map<String, ConsumerGroupDescription> groups =
          admin
              .describeConsumerGroups(List.of(fhirApplicationId, fhirApplicationId + "-projection"))
              .all()
              .get();
      groups.forEach(
          (group, description) ->
              assertThat(description.members()).as("members of " + group).isEmpty());
    }

    // the acknowledged write is stored
    String id = patientId(SlowRequest.header(answer, "Location"));
    assertThat(storedFamily(id)).contains("Inflight");
  }

  private boolean notReady(ServiceJar service) {
    ServiceJar.Answer readiness = service.get("/actuator/health/readiness");
    return readiness == null || readiness.status() != 200;
  }

  private HttpResponse<String> send(
      ServiceJar service, String method, String path, String type, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(service.base() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String reading(String patientId) {
    return "[{\"patientId\":\""
        + patientId
        + "\",\"deviceId\":\"m-1\",\"code\":\"8867-4\",\"value\":72,\"unit\":\"/min\","
        + "\"effectiveTime\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\"}]";
  }

  /** {@code .../fhir/Patient/<id>/_history/<n>}: the id. */
  private static String patientId(String location) {
    String path = URI.create(location).getPath();
    String afterType = path.substring(path.indexOf("/Patient/") + "/Patient/".length());
    return afterType.split("/")[0];
  }

  /** How many records of {@code patientId} are on the readings topic (waits for {@code want}). */
  private long readingsOnTheTopic(String patientId, long want) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      String topic = topicPrefix + Topics.VITALS_RAW.name();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long found = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (patientId.equals(record.key())) {
            found++;
          }
        }
        if (found >= want && caughtUp(consumer, partitions)) {
          break;
        }
      }
      return found;
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
  }

  private String storedFamily(String id) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "select resource from fhir_resource where res_type = 'Patient' and res_id = ?")) {
      statement.setString(1, id);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getString(1) : "";
      }
    }
  }

  private static Path jar(String module) {
    String root = System.getProperty("vitalflow.solo.root", "..");
    String version = System.getProperty("vitalflow.solo.version", "0.1.0-SNAPSHOT");
    return Path.of(root, module, "target", module + "-" + version + "-exec.jar")
        .toAbsolutePath()
        .normalize();
  }
}
