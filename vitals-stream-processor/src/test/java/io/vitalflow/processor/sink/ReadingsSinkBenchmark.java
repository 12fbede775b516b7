package io.vitalflow.processor.sink;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.local.LocalPostgres;
import io.vitalflow.local.LocalStack;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Sink-level timing of the readings write (not a test: the name keeps it out of {@code verify}).
 * One connection writes {@code batches} transactions of 2,500 readings (what each of the 2 sink
 * threads flushes at 50,000/s and a 100 ms linger), 500 patients, into a fresh database each run,
 * three ways: the write before V5 (plain COPY beside the old lookup index), the write now (COPY
 * under a savepoint beside the unique index), and the write now when every batch repeats one
 * reading of the batch before (one probe of the unique index per batch, then COPY of the new
 * readings).
 *
 * <pre>
 * ./mvnw -B -q -o -pl vitals-stream-processor -am verify -Dtest=ReadingsSinkBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbatches=200 | grep SINK
 * </pre>
 */
class ReadingsSinkBenchmark {

  private static final int BATCH = 2500;
  private static final int BATCHES = Integer.getInteger("batches", 200);
  private static final String COPY_BEFORE_V5 =
      "copy vital_reading (patient_id, code, effective_time, value, unit,"
          + " device_id, reading_id, received_at, stored_at) from stdin (format binary)";

  @Test
  void readingsPerSecond() throws Exception {
    for (int round = 0; round < 3; round++) {
      run("before V5 (lookup index, plain COPY)", "4", false);
      run("V5 (unique index, COPY under a savepoint)", "5", false);
      run("V5, every batch repeats a reading (probe + COPY of the new ones)", "5", true);
    }
  }

  private static void run(String what, String version, boolean repeats) throws Exception {
    PostgresCoordinates database =
        LocalPostgres.createDatabase(
            LocalStack.shared().postgresAdmin(),
            "sink_bench_" + UUID.randomUUID().toString().substring(0, 8));
    Flyway.configure()
        .dataSource(database.dataSource())
        .locations("classpath:db/migration", "classpath:db/native")
        .target(version)
        .load()
        .migrate();
    VitalsBatch batch =
        new VitalsBatch(
            "", "readings", new RawReadingCheck(Duration.ofMinutes(5)), new SimpleMeterRegistry());
    Instant base = Instant.now().minusSeconds(3600);
    int n = 0;
    boolean optimistic = true;
    long started = System.nanoTime();
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      for (int b = 0; b < BATCHES; b++) {
        batch.clear();
        for (int i = 0; i < BATCH; i++, n++) {
          batch.readings().add(reading(n, base));
        }
        if (repeats && b > 0) {
          batch.readings().set(0, reading(n - BATCH - 1, base));
        }
        if (version.equals("4")) {
          connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_BEFORE_V5, rows(batch));
        } else {
          int stored = PostgresSinkWriter.write(connection, batch, Instant.now(), optimistic);
          optimistic = stored == batch.readings().size();
        }
        connection.commit();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "SINK %s: %d readings in %.1f s = %.0f readings/s%n", what, n, seconds, n / seconds);
  }

  private static InputStream rows(VitalsBatch batch) {
    BinaryCopy rows = new BinaryCopy(batch.readings().size() * 192);
    long stored = BinaryCopy.timestamp(Instant.now());
    for (VitalSign reading : batch.readings()) {
      rows.startRow(9)
          .text(reading.getPatientId())
          .text(reading.getCode())
          .timestamp(BinaryCopy.timestamp(reading.getEffectiveTime()))
          .float8(reading.getValue())
          .text(reading.getUnit())
          .text(reading.getDeviceId())
          .text(reading.getReadingId())
          .timestamp(BinaryCopy.timestamp(reading.getReceivedTime()))
          .timestamp(stored);
    }
    return rows.finish();
  }

  private static VitalSign reading(int n, Instant base) {
    Instant time = base.plusMillis(n / 500 * 1000L);
    String id =
        UUID.nameUUIDFromBytes(Integer.toString(n).getBytes(StandardCharsets.UTF_8)).toString();
    return new VitalSign(
        id,
        "sim-" + (n % 500),
        "dev-" + (n % 500),
        Loinc.HEART_RATE,
        60.0 + n % 40,
        "/min",
        time,
        time);
  }
}
