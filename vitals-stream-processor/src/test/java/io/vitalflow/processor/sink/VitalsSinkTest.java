package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The sink on a real broker and a real PostgreSQL. */
class VitalsSinkTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static final RawReadingCheck CHECK = new RawReadingCheck(Duration.ofMinutes(5));
  private final LocalStack stack = LocalStack.shared();

  @Test
  void storesReadingsAndNewestWindowStatesWithTheirOffsetsAndSkipsPoison() throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink");
    try (var producer = producer()) {
      for (int i = 0; i < 1000; i++) {
        VitalSign reading =
            new VitalSign(
                "r" + i,
                "p" + (i % 10),
                "d1",
                Loinc.HEART_RATE,
                60.0 + i % 7,
                "/min",
                NOW.minusSeconds(1000 - i),
                NOW);
        producer.send(
            new ProducerRecord<>(
                prefix + Topics.VITALS_RAW.name(),
                reading.getPatientId(),
                Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading)));
        if (i == 500) {
          producer.send(
              new ProducerRecord<>(prefix + Topics.VITALS_RAW.name(), "p0", new byte[] {1, 2, 3}));
          VitalSign unknownCode = new VitalSign("bad", "p0", "d1", "1234-5", 1.0, "/min", NOW, NOW);
          producer.send(
              new ProducerRecord<>(
                  prefix + Topics.VITALS_RAW.name(),
                  "p0",
                  Topics.VITALS_RAW.valueSerde().serializer().serialize("t", unknownCode)));
        }
      }
      Instant window = NOW.truncatedTo(ChronoUnit.MINUTES);
      for (int count = 1; count <= 3; count++) {
        VitalAggregate update =
            new VitalAggregate(
                "p1",
                Loinc.HEART_RATE,
                "/min",
                window,
                window.plusSeconds(60),
                (long) count,
                60.0,
                60.0 + count,
                60.0 * count,
                60.0,
                60.0,
                NOW);
        producer.send(
            new ProducerRecord<>(
                prefix + Topics.VITALS_AGG_1M.name(),
                "p1",
                Topics.VITALS_AGG_1M.valueSerde().serializer().serialize("t", update)));
      }
      producer.flush();
    }

    var meters = new SimpleMeterRegistry();
    try (var readings =
            new VitalsSink(
                KafkaClients.of(stack.kafkaBootstrap()),
                database.dataSource(),
                new SinkSettings(
                    SinkSettings.Streams.READINGS,
                    "sink-test",
                    prefix,
                    300,
                    Duration.ofMillis(50),
                    2,
                    Duration.ofSeconds(10)),
                meters,
                CHECK);
        var aggregates =
            new VitalsSink(
                KafkaClients.of(stack.kafkaBootstrap()),
                database.dataSource(),
                new SinkSettings(
                    SinkSettings.Streams.MINUTE_AGGREGATES,
                    "sink-test-agg",
                    prefix,
                    100_000,
                    Duration.ofSeconds(1),
                    1,
                    Duration.ofSeconds(10)),
                meters,
                CHECK)) {
      readings.start();
      aggregates.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(database, "select count(*) from vital_reading") == 1000);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(database, "select count from vital_aggregate_1m where patient_id = 'p1'")
                      == 3);
    }

    assertThat(
            count(
                database,
                "select sum(next_offset) from kafka_consumer_offset where topic like '%vitals.raw.v1'"))
        .as("offsets stored with the data: 1000 readings + 2 unusable records")
        .isEqualTo(1002);
    assertThat(meters.counter("vitalflow.sink.undecodable", "sink", "readings").count())
        .isEqualTo(2.0);
    assertThat(count(database, "select count(*) from vital_reading where stored_at < received_at"))
        .isZero();
  }

  @Test
  void aRestartedSinkResumesFromTheOffsetsStoredWithTheDataWithoutDuplicates() throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink_restart");
    var settings =
        new SinkSettings(
            SinkSettings.Streams.READINGS,
            "sink-restart",
            prefix,
            100,
            Duration.ofMillis(20),
            1,
            Duration.ofSeconds(10));
    try (var producer = producer()) {
      send(producer, prefix, 0, 500);
      try (var sink =
          new VitalsSink(
              KafkaClients.of(stack.kafkaBootstrap()),
              database.dataSource(),
              settings,
              new SimpleMeterRegistry(),
              CHECK)) {
        sink.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> count(database, "select count(*) from vital_reading") == 500);
      }
      send(producer, prefix, 500, 800);
    }
    try (var sink =
        new VitalsSink(
            KafkaClients.of(stack.kafkaBootstrap()),
            database.dataSource(),
            settings,
            new SimpleMeterRegistry(),
            CHECK)) {
      sink.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(database, "select count(*) from vital_reading") == 800);
      Thread.sleep(500);
    }
    assertThat(count(database, "select count(distinct reading_id) from vital_reading"))
        .isEqualTo(800);
    assertThat(count(database, "select count(*) from vital_reading")).isEqualTo(800);
  }

  @Test
  void aSecondInstanceJoiningMidStreamTakesOverPartitionsWithoutLossOrDuplicates()
      throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink_rebalance");
    var settings =
        new SinkSettings(
            SinkSettings.Streams.READINGS,
            "sink-rebalance",
            prefix,
            200,
            Duration.ofMillis(20),
            1,
            Duration.ofSeconds(10));
    try (var producer = producer();
        var first =
            new VitalsSink(
                KafkaClients.of(stack.kafkaBootstrap()),
                database.dataSource(),
                settings,
                new SimpleMeterRegistry(),
                CHECK);
        var second =
            new VitalsSink(
                KafkaClients.of(stack.kafkaBootstrap()),
                database.dataSource(),
                settings,
                new SimpleMeterRegistry(),
                CHECK)) {
      first.start();
      for (int chunk = 0; chunk < 20; chunk++) {
        send(producer, prefix, chunk * 300, (chunk + 1) * 300);
        if (chunk == 5) {
          second.start(); // rebalance while rows are buffered and flushed
        }
        Thread.sleep(100);
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> count(database, "select count(*) from vital_reading") >= 6000);
      Thread.sleep(500);
    }
    assertThat(count(database, "select count(*) from vital_reading")).isEqualTo(6000);
    assertThat(count(database, "select count(distinct reading_id) from vital_reading"))
        .isEqualTo(6000);
  }

  @Test
  void aReadingSentAgainIsStoredOnceAndANewOneBesideItIsStored() throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink_repeat");
    var settings =
        new SinkSettings(
            SinkSettings.Streams.READINGS,
            "sink-repeat",
            prefix,
            100,
            Duration.ofMillis(20),
            1,
            Duration.ofSeconds(10));
    var meters = new SimpleMeterRegistry();
    try (var producer = producer();
        var sink =
            new VitalsSink(
                KafkaClients.of(stack.kafkaBootstrap()),
                database.dataSource(),
                settings,
                meters,
                CHECK)) {
      send(producer, prefix, 0, 300);
      sink.start();
      // the first consumer group of a fresh broker can take a while on a busy machine
      await()
          .atMost(Duration.ofSeconds(180))
          .until(() -> count(database, "select count(*) from vital_reading") == 300);
      // a client retry: the same readings again, mixed with new ones, and a repeat within one batch
      send(producer, prefix, 200, 400);
      send(producer, prefix, 399, 400);
      // the same id and patient at another effective time is another reading (see docs/storage.md)
      sendAt(producer, prefix, 0, NOW.minusSeconds(1));
      await().atMost(Duration.ofSeconds(120)).until(() -> offsets(database, prefix) == 502);
    }
    assertThat(count(database, "select count(*) from vital_reading")).isEqualTo(401);
    assertThat(
            count(
                database,
                "select count(*) from (select patient_id, effective_time, reading_id from vital_reading"
                    + " group by 1, 2, 3 having count(*) > 1) d"))
        .isZero();
    assertThat(meters.counter("vitalflow.sink.rows", "table", "vital_reading").count())
        .isEqualTo(401.0);
    assertThat(meters.counter("vitalflow.sink.repeated", "table", "vital_reading").count())
        .isEqualTo(101.0);
  }

  @Test
  void everyStoredReadingSaysWhichClientSentIt() throws Exception {
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("sink_client");
    try (var producer = producer()) {
      for (int i = 0; i < 30; i++) {
        VitalSign reading =
            new VitalSign("r" + i, "p" + (i % 3), "d1", Loinc.SPO2, 95.0, "%", NOW, NOW);
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(
                prefix + Topics.VITALS_RAW.name(),
                reading.getPatientId(),
                Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading));
        // as the ingest gateway sends them (two clients); every tenth as the FHIR API: no header
        if (i % 10 != 9) {
          record
              .headers()
              .add(
                  Topics.HEADER_CLIENT,
                  (i % 2 == 0 ? "vitalflow-gateway" : "ward-b-gateway")
                      .getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record);
      }
      producer.flush();
    }
    try (var sink =
        new VitalsSink(
            KafkaClients.of(stack.kafkaBootstrap()),
            database.dataSource(),
            new SinkSettings(
                SinkSettings.Streams.READINGS,
                "sink-client",
                prefix,
                100,
                Duration.ofMillis(20),
                1,
                Duration.ofSeconds(10)),
            new SimpleMeterRegistry(),
            CHECK)) {
      sink.start();
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> count(database, "select count(*) from vital_reading") == 30);
    }
    assertThat(
            count(
                database,
                "select count(*) from vital_reading where source_client = 'vitalflow-gateway'"
                    + " and (substr(reading_id, 2)::int) % 2 = 0"))
        .isEqualTo(15);
    assertThat(
            count(
                database,
                "select count(*) from vital_reading where source_client = 'ward-b-gateway'"
                    + " and (substr(reading_id, 2)::int) % 2 = 1"))
        .isEqualTo(12);
    assertThat(
            count(
                database,
                "select count(*) from vital_reading where source_client is null"
                    + " and reading_id in ('r9', 'r19', 'r29')"))
        .isEqualTo(3);
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String prefix, int from, int to) {
    for (int i = from; i < to; i++) {
      VitalSign reading =
          new VitalSign("r" + i, "p" + (i % 13), "d1", Loinc.SPO2, 95.0, "%", NOW, NOW);
      producer.send(
          new ProducerRecord<>(
              prefix + Topics.VITALS_RAW.name(),
              reading.getPatientId(),
              Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading)));
    }
    producer.flush();
  }

  private static void sendAt(
      KafkaProducer<String, byte[]> producer, String prefix, int i, Instant effective) {
    VitalSign reading =
        new VitalSign("r" + i, "p" + (i % 13), "d1", Loinc.SPO2, 95.0, "%", effective, NOW);
    producer.send(
        new ProducerRecord<>(
            prefix + Topics.VITALS_RAW.name(),
            reading.getPatientId(),
            Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading)));
    producer.flush();
  }

  private static long offsets(PostgresCoordinates database, String prefix) throws SQLException {
    return count(
        database,
        "select coalesce(sum(next_offset), 0) from kafka_consumer_offset where topic = '"
            + prefix
            + Topics.VITALS_RAW.name()
            + "'");
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  static long count(PostgresCoordinates database, String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getLong(1) : -1;
    }
  }
}
