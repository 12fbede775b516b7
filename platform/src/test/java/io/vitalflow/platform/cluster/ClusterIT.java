package io.vitalflow.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./vitalflow cluster}'s topology, lean: three Kafka nodes (KRaft, SASL/SCRAM), PostgreSQL,
 * the authorization server, one processor, one FHIR API and one gateway instance as {@code java
 * -jar} processes, HAProxy in front. Checks that every topic the services created has three
 * replicas and {@code min.insync.replicas=2}, that a client without the SCRAM credentials gets
 * nothing, and that a FHIR create and a vitals POST through HAProxy are stored and readable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private LocalCluster cluster;
  private Path dir;

  @BeforeAll
  void startCluster() throws Exception {
    dir = Files.createTempDirectory("vitalflow-cluster-it-");
    ClusterOptions options =
        ClusterOptions.of(dir, root(), version(), 1)
            .withInstances(Service.PROCESSOR, 2)
            .withInstances(Service.FHIR, 2)
            .withInstances(Service.DASHBOARD, 0);
    cluster = LocalCluster.start(options);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
    deleteTree(dir);
  }

  /** Broker logs, database and state of a finished test are worth nothing (~100 MB). */
  static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      // a leftover in /tmp
    }
  }

  static Path root() {
    return Path.of(System.getProperty("vitalflow.solo.root", "..")).toAbsolutePath().normalize();
  }

  static String version() {
    return System.getProperty("vitalflow.solo.version", "0.1.0-SNAPSHOT");
  }

  @Test
  @Order(1)
  void everyTopicHasThreeReplicasAndMinIsrTwo() throws Exception {
    Map<String, TopicDescription> topics = cluster.kafka().describeAll();
    assertThat(topics).containsKeys("vitals.raw.v1", "__consumer_offsets");
    List<String> underReplicated = new ArrayList<>();
    topics.forEach(
        (name, topic) ->
            topic
                .partitions()
                .forEach(
                    p -> {
                      if (p.replicas().size() != 3) {
                        underReplicated.add(name + "-" + p.partition());
                      }
                    }));
    assertThat(underReplicated).isEmpty();
    try (Admin admin = Admin.create(cluster.kafka().clientConfig())) {
      List<ConfigResource> resources =
          topics.keySet().stream()
              .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
              .toList();
      admin
          .describeConfigs(resources)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (resource, config) ->
                  assertThat(config.get("min.insync.replicas").value())
                      .as(resource.name())
                      .isEqualTo("2"));
    }
  }

  @Test
  @Order(1)
  void aClientWithoutTheCredentialsIsRefused() {
    Map<String, Object> plain =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  @Order(1)
  void aFhirCreateThroughHaproxyIsReadable() throws Exception {
    String family = "Cluster" + UUID.randomUUID().toString().substring(0, 6);
    HttpResponse<String> created =
        send(
            "POST",
            cluster.url(Service.FHIR) + "/fhir/Patient",
            "application/fhir+json",
            cluster.auth().token("system/Patient.c"),
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    String path = URI.create(location).getPath();
    String id = path.substring(path.indexOf("/Patient/") + 9).split("/")[0];
    HttpResponse<String> read =
        send(
            "GET",
            cluster.url(Service.FHIR) + "/fhir/Patient/" + id,
            null,
            cluster.auth().token("system/Patient.r"),
            null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains(family);
  }

  @Test
  @Order(1)
  void aVitalsPostThroughHaproxyIsStored() throws Exception {
    String patient = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> posted =
        send(
            "POST",
            cluster.url(Service.INGEST) + "/api/v1/vitals",
            "application/json",
            cluster.auth().token("system/Observation.c"),
            "[{\"patientId\":\""
                + patient
                + "\",\"deviceId\":\"m-1\",\"code\":\"8867-4\",\"value\":72,\"unit\":\"/min\","
                + "\"effectiveTime\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\"}]");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> storedReadings(patient) == 1);
  }

  /**
   * The short fault scenario: the broker leading most partitions, processor instance 1 and FHIR
   * instance 1 killed under load and started again; nothing acknowledged lost or stored twice,
   * every FHIR version sequence right, the aggregates equal to the recomputation, and each fault
   * recovered. Last, since it kills things.
   */
  @Test
  @Order(100)
  void theShortFaultScenarioLosesNothing() {
    FaultScenario scenario =
        new FaultScenario(cluster, FaultScenario.Settings.brief(), dir.resolve("loadgen-reports"));
    int verdict = scenario.run(System.out);
    FaultScenario.Result result = scenario.result();
    String summary = FaultScenario.summary(result);
    assertThat(result.phases()).hasSize(4);
    assertThat(result.phases())
        .as(summary)
        .allSatisfy(
            phase -> {
              assertThat(phase.readingsMissing()).isZero();
              assertThat(phase.readingsDuplicated()).isZero();
              assertThat(phase.fhirWrong()).isZero();
              assertThat(phase.readingsAcked()).isPositive();
              assertThat(phase.otherFailures()).as(phase.refusals()).isZero();
            });
    assertThat(result.phases().subList(1, 4))
        .as(summary)
        .allSatisfy(phase -> assertThat(phase.recovery()).isNotNull());
    assertThat(result.aggregates1m()).as(summary).isPositive();
    assertThat(result.aggregates1mWrong()).as(summary).isZero();
    assertThat(result.aggregates1hWrong()).as(summary).isZero();
    // a reading answered 503 and sent again is counted once (docs/stream-processing.md)
    assertThat(result.aggregates1mOverCounted()).as(summary).isZero();
    assertThat(result.aggregates1hOverCounted()).as(summary).isZero();
    assertThat(result.passed()).as(summary).isTrue();
    assertThat(verdict).as(summary).isZero();
  }

  private long storedReadings(String patient) throws Exception {
    try (Connection connection = cluster.database().dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "select count(*) from vital_reading where patient_id = ?")) {
      statement.setString(1, patient);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private HttpResponse<String> send(
      String method, String url, String contentType, String token, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
