package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
                  Instant.now()))
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
