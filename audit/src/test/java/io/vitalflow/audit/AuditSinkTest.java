package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trail and the sink on a real broker and PostgreSQL: what is recorded is stored once, with the
 * offsets, across a restart of the sink and a repeated event; a record that is not an audit event
 * goes to {@code audit.dlq.v1}.
 */
class AuditSinkTest {

  private final LocalStack stack = LocalStack.shared();
  private String prefix;
  private PostgresCoordinates database;
  private KafkaClients kafka;

  @BeforeEach
  void setUp() {
    prefix = stack.freshTopicPrefix();
    database = stack.freshDatabase("audit_sink");
    kafka = KafkaClients.of(stack.kafkaBootstrap());
  }

  @Test
  void eventsAreStoredExactlyOnceWithTheirOffsetsAcrossASinkRestart() throws Exception {
    SimpleMeterRegistry trailMeters = new SimpleMeterRegistry();
    List<AuditRecord> sent = new ArrayList<>();
    try (AuditTrail trail =
        AuditTrail.create(
            kafka, AuditTrail.Options.defaults().withTopicPrefix(prefix), trailMeters)) {
      try (AuditSink sink = sink(new SimpleMeterRegistry())) {
        sink.start();
        for (int i = 0; i < 50; i++) {
          AuditRecord record = event(i);
          trail.admit();
          trail.record(record);
          sent.add(record);
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> count("select count(*) from audit_event") == 50);
        assertThat(trail.pending()).isZero();
        assertThat(trailMeters.counter("vitalflow.audit.events", "outcome", "delivered").count())
            .isEqualTo(50.0);
        assertThat(trailMeters.get("vitalflow.audit.pending").gauge().value()).isZero();
      }

      // while the sink is down: 30 more, and one event a second time (sent again after an ambiguous
      // failure)
      for (int i = 50; i < 80; i++) {
        AuditRecord record = event(i);
        trail.record(record);
        sent.add(record);
      }
      try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
        producer
            .send(
                new ProducerRecord<>(
                    prefix + Topics.AUDIT.name(),
                    bytes(sent.get(3).key()),
                    bytes(AuditEvents.toJson(sent.get(3)))))
            .get();
      }
      SimpleMeterRegistry restartedMeters = new SimpleMeterRegistry();
      try (AuditSink restarted = sink(restartedMeters)) {
        restarted.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> count("select count(*) from audit_event") == 80);
        // the restarted sink went on from the stored offsets: it read only the 31 new records
        await().atMost(Duration.ofSeconds(30)).until(() -> offsetsStored() == 81);
        Thread.sleep(1_000);
        assertThat(
                restartedMeters
                    .get("vitalflow.sink.batch.records")
                    .tag("sink", "audit")
                    .summary()
                    .totalAmount())
            .isEqualTo(31.0);
      }
    }
    assertThat(count("select count(distinct id) from audit_event")).isEqualTo(80);
    // each row holds the columns of the event as produced
    AuditRecord third = sent.get(3);
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select service, action, subtype, outcome, status, agent_subject, client_id,"
                    + " source_address, patient_ids, entity_refs, request_id, recorded from audit_event where id = '"
                    + third.id()
                    + "'")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString("service")).isEqualTo("fhir-api");
      assertThat(row.getString("action")).isEqualTo("R");
      assertThat(row.getString("subtype")).isEqualTo("read");
      assertThat(row.getInt("outcome")).isZero();
      assertThat(row.getInt("status")).isEqualTo(200);
      assertThat(row.getString("agent_subject")).isEqualTo("nurse.ana");
      assertThat(row.getString("client_id")).isEqualTo("ward-dashboard");
      assertThat(row.getString("source_address")).isEqualTo("10.0.0.3");
      assertThat((String[]) row.getArray("patient_ids").getArray()).containsExactly("p-3", "p-4");
      assertThat((String[]) row.getArray("entity_refs").getArray())
          .containsExactly("Observation/o-3");
      assertThat(row.getString("request_id")).isEqualTo("req-3");
      assertThat(row.getTimestamp("recorded").toInstant()).isEqualTo(third.recorded());
    }
    // keyed by the first patient (the key travels with the event; it does not choose the partition)
    List<ConsumerRecord<String, String>> topic = read(prefix + Topics.AUDIT.name(), 81);
    assertThat(topic)
        .filteredOn(r -> r.value().contains(third.id().toString()))
        .allSatisfy(r -> assertThat(r.key()).isEqualTo("p-3"));
  }

  @Test
  void aRecordThatIsNotAnAuditEventGoesToTheDeadLetterTopicAndTheRestIsStored() throws Exception {
    AuditRecord good = event(1);
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      String topic = prefix + Topics.AUDIT.name();
      producer.send(
          new ProducerRecord<>(topic, bytes("p-1"), bytes("{\"resourceType\":\"Patient\"}")));
      producer
          .send(new ProducerRecord<>(topic, bytes("p-1"), bytes(AuditEvents.toJson(good))))
          .get();
    }
    try (AuditSink sink = sink(new SimpleMeterRegistry())) {
      sink.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count("select count(*) from audit_event") == 1);
      List<ConsumerRecord<String, String>> dead = read(prefix + Topics.AUDIT_DLQ.name(), 1);
      assertThat(dead.get(0).value()).isEqualTo("{\"resourceType\":\"Patient\"}");
      assertThat(
              new String(
                  dead.get(0).headers().lastHeader(Topics.DLQ_HEADER_SINK).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo("audit");
      assertThat(sink.health().deadLetters()).isEqualTo(1);
    }
  }

  static AuditRecord event(int i) {
    return AuditRecord.builder("fhir-api", AuditSubtype.READ)
        .status(200)
        .agent("nurse.ana", "ward-dashboard")
        .source("10.0.0." + (i % 250))
        .patient("p-" + i)
        .patient("p-" + (i + 1))
        .entity("Observation/o-" + i)
        .requestId("req-" + i)
        .build();
  }

  private AuditSink sink(SimpleMeterRegistry meters) {
    return new AuditSink(
        kafka,
        database.dataSource(),
        prefix,
        "audit-sink-test",
        2,
        20,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        meters);
  }

  private KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private List<ConsumerRecord<String, String>> read(String topic, int atLeast) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= atLeast;
              });
    }
    return records;
  }

  private long offsetsStored() throws SQLException {
    return count(
        "select coalesce(sum(next_offset), 0) from kafka_consumer_offset where consumer_group = 'audit-sink-test'");
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
