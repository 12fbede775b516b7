package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One write must never stop all FHIR writes. A resource version that the projection cannot store
 * (here: a NUL character, which PostgreSQL text cannot hold, in an indexed string) once made the
 * projection retry forever, and every later write answered 202 after the write timeout and never
 * became readable. Now the version is set aside to {@code fhir.resources.dlq.v1} and the writes
 * behind it are projected as usual.
 */
class ProjectionPoisonTest {

  private static FhirServer server;
  private static FhirHttp http;

  @BeforeAll
  static void start() throws Exception {
    // a stuck projection shows as 202 after this timeout instead of 201
    server = FhirServer.start("fhir_projection_poison", "--vitalflow.fhir.write-timeout=20s");
    http = new FhirHttp(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aWriteWithAValueTheDatabaseCannotHoldDoesNotStopTheWritesBehindIt() {
    HttpResponse<String> hostile =
        http.send(
            "POST",
            "/Patient",
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Nul\\u0000Name\"}]}");
    assertThat(hostile.statusCode())
        .as("rejected up front, or stored, or an error: never left pending")
        .isNotEqualTo(202)
        .isLessThan(600);

    HttpResponse<String> normal =
        http.send(
            "POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Curie\"}]}");
    assertThat(normal.statusCode()).isEqualTo(201);
    String location = FhirHttp.header(normal, "Location");
    String path = location.substring(location.indexOf("/Patient/"), location.indexOf("/_history"));
    assertThat(http.send("GET", path, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aVersionTheProjectionCannotStoreIsDeadLetteredAndItsWaitingRequestGetsAnError()
      throws Exception {
    // past the API's own checks: the command goes straight to the command topic, as another writer
    // could send it
    String requestId = "poison-" + UUID.randomUUID();
    String id = "poison-" + UUID.randomUUID().toString().substring(0, 8);
    FhirCommand command =
        FhirCommand.newBuilder()
            .setRequestId(requestId)
            .setResourceType("Patient")
            .setResourceId(id)
            .setOperation(FhirOperation.UPDATE)
            .setIfMatch(null)
            .setIfNoneExist(null)
            .setResource(
                "{\"resourceType\":\"Patient\",\"id\":\""
                    + id
                    + "\",\"name\":[{\"family\":\"Nul\\u0000Name\"}]}")
            .setReceivedAt(Instant.now())
            .build();
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.shared().kafkaBootstrap());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(
            properties,
            Topics.FHIR_COMMANDS.keySerde().serializer(),
            Topics.FHIR_COMMANDS.valueSerde().serializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  server.topicPrefix + Topics.FHIR_COMMANDS.name(), "Patient/" + id, command))
          .get();
    }

    ConsumerRecord<byte[], byte[]> letter =
        deadLetter(server.topicPrefix + Topics.FHIR_RESOURCES_DLQ.name(), "Patient/" + id);
    assertThat(
            new String(
                letter.headers().lastHeader(Topics.DLQ_HEADER_ERROR).value(),
                StandardCharsets.UTF_8))
        .contains("SQLState 22")
        .doesNotContain("Nul");
    // the waiting side learns of it (the request's outcome row) and the resource is not
    // half-visible
    await().atMost(Duration.ofSeconds(30)).until(() -> requestStatus(requestId) != null);
    assertThat(requestStatus(requestId)).isGreaterThanOrEqualTo(500);
    assertThat(http.send("GET", "/Patient/" + id, null).statusCode()).isEqualTo(404);

    HttpResponse<String> normal =
        http.send(
            "PUT",
            "/Patient/after-" + id,
            "{\"resourceType\":\"Patient\",\"id\":\"after-"
                + id
                + "\",\"name\":[{\"family\":\"Curie\"}]}");
    assertThat(normal.statusCode()).isEqualTo(201);
  }

  private static Integer requestStatus(String requestId) throws Exception {
    try (Connection connection = server.database.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement("select status from fhir_request where request_id = ?")) {
      select.setString(1, requestId);
      try (ResultSet result = select.executeQuery()) {
        return result.next() ? result.getInt(1) : null;
      }
    }
  }

  /** The dead letter with this key (the other test leaves its own on the same topic). */
  private static ConsumerRecord<byte[], byte[]> deadLetter(String topic, String key) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.shared().kafkaBootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            records.add(record);
          }
        }
      }
    }
    assertThat(records).isNotEmpty();
    return records.get(0);
  }
}
