package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Each way the readings write takes stores every reading once, on a real PostgreSQL. */
class PostgresSinkWriterTest {

  private static final Instant T =
      Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS).plusNanos(123_456);

  @Test
  void everyPathStoresNewReadingsAndSkipsStoredAndRepeatedOnes() throws Exception {
    PostgresCoordinates database = LocalStack.shared().freshDatabase("writer");
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      assertThat(write(connection, true, reading("a", 0), reading("b", 1), reading("c", 2)))
          .isEqualTo(3);

      assertThat(write(connection, true, reading("b", 1), reading("d", 3), reading("d", 3)))
          .as("a conflict on the fast path: only the new reading, once")
          .isEqualTo(1);
      assertThat(write(connection, false, reading("c", 2), reading("e", 4), reading("e", 5)))
          .as("checked first; the same id at another time is another reading")
          .isEqualTo(2);
      assertThat(
              PostgresSinkWriter.insertSkippingStored(
                  connection,
                  List.of(reading("a", 0), reading("f", 6), reading("f", 6)),
                  Instant.now(),
                  reading -> null))
          .isEqualTo(1);
      connection.commit();
    }
    assertThat(VitalsSinkTest.count(database, "select count(*) from vital_reading")).isEqualTo(7);
    assertThat(
            VitalsSinkTest.count(
                database,
                "select count(distinct (reading_id, effective_time))" + " from vital_reading"))
        .isEqualTo(7);
  }

  @Test
  void everyPathStoresTheClientThatSentEachReading() throws Exception {
    PostgresCoordinates database = LocalStack.shared().freshDatabase("writer_client");
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      VitalsBatch batch = batch();
      batch.add(record(reading("a", 0), "gateway-1"));
      batch.add(record(reading("b", 1), null));
      PostgresSinkWriter.write(connection, batch, Instant.now(), true);

      VitalsBatch repeats = batch();
      repeats.add(record(reading("b", 1), "gateway-2"));
      repeats.add(record(reading("c", 2), "gateway-2"));
      assertThat(PostgresSinkWriter.write(connection, repeats, Instant.now(), true))
          .as("the fast path conflicts; the new reading keeps its client")
          .isEqualTo(1);

      VitalSign staged = reading("d", 3);
      PostgresSinkWriter.insertSkippingStored(
          connection, List.of(staged), Instant.now(), reading -> "gateway-3");
      connection.commit();
    }
    assertThat(sourceClients(database))
        .containsExactly("a=gateway-1", "b=null", "c=gateway-2", "d=gateway-3");
  }

  private static List<String> sourceClients(PostgresCoordinates database) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "select reading_id, source_client from vital_reading order by reading_id")) {
      while (result.next()) {
        rows.add(result.getString(1) + "=" + result.getString(2));
      }
    }
    return rows;
  }

  private static VitalsBatch batch() {
    return new VitalsBatch(
        "", "readings", new RawReadingCheck(Duration.ofMinutes(5)), new SimpleMeterRegistry());
  }

  /** A {@code vitals.raw.v1} record as the ingest gateway produces it, with or without a client. */
  private static ConsumerRecord<byte[], byte[]> record(VitalSign reading, String client) {
    RecordHeaders headers = new RecordHeaders();
    if (client != null) {
      headers.add(Topics.HEADER_CLIENT, client.getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(
        Topics.VITALS_RAW.name(),
        0,
        0,
        0,
        TimestampType.CREATE_TIME,
        0,
        0,
        reading.getPatientId().getBytes(StandardCharsets.UTF_8),
        Topics.VITALS_RAW.valueSerde().serializer().serialize("t", reading),
        headers,
        Optional.empty());
  }

  private static int write(Connection connection, boolean optimistic, VitalSign... readings)
      throws Exception {
    VitalsBatch batch =
        new VitalsBatch(
            "", "readings", new RawReadingCheck(Duration.ofMinutes(5)), new SimpleMeterRegistry());
    batch.readings().addAll(List.of(readings));
    return PostgresSinkWriter.write(connection, batch, Instant.now(), optimistic);
  }

  private static VitalSign reading(String id, int second) {
    Instant time = T.plusSeconds(second);
    return new VitalSign(id, "p1", "d1", Loinc.HEART_RATE, 70.0, "/min", time, time);
  }
}
