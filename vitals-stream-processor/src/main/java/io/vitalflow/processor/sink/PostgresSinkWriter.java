package io.vitalflow.processor.sink;

import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes a {@link VitalsBatch}: COPY for raw readings, batched upserts for window aggregates. The
 * caller owns the transaction, which also stores the consumer offsets.
 *
 * <p>A reading is stored once per (patient, effective time, reading id), the unique index of {@code
 * vital_reading}. Repeats are rare (client retries, reused ids), so the batch is COPYed straight
 * into the table under a savepoint, the fast path. When that hits the unique index, one query finds
 * the readings not stored yet ({@link ReadingRepeats}) and only those are COPYed. While repeats
 * keep coming (a client replaying a batch), the caller asks for that at once, without the failed
 * COPY first. Only if even that COPY conflicts (another sink instance stored one of the readings
 * meanwhile, during a rebalance) is the batch COPYed into a session-local staging table and
 * inserted from there with {@code ON CONFLICT DO NOTHING}.
 */
final class PostgresSinkWriter {

  private static final String COPY_READINGS =
      "copy vital_reading (patient_id, code, effective_time, value, unit, "
          + "device_id, reading_id, received_at, stored_at, source_client) from stdin (format binary)";

  private static final String COPY_STAGING =
      "copy vital_reading_staging (patient_id, code, effective_time, value, unit, device_id,"
          + " reading_id, received_at, stored_at, source_client) from stdin (format binary)";

  /**
   * Session-local and without indexes: the COPY into it costs what the COPY into the table would.
   */
  private static final String CREATE_STAGING =
      "create temporary table if not exists vital_reading_staging (like vital_reading)";

  private static final String INSERT_NEW =
      """
      insert into vital_reading (patient_id, code, effective_time, value, unit, device_id, reading_id, received_at,
                                 stored_at, source_client)
      select patient_id, code, effective_time, value, unit, device_id, reading_id, received_at, stored_at,
             source_client
        from vital_reading_staging
      on conflict do nothing""";

  /** PostgreSQL's unique_violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String UPSERT_AGGREGATE =
      """
      insert into %s (patient_id, code, window_start, window_end, unit, count, min, max, sum, mean, last, last_time)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (patient_id, code, window_start) do update
        set window_end = excluded.window_end, unit = excluded.unit, count = excluded.count, min = excluded.min,
            max = excluded.max, sum = excluded.sum, mean = excluded.mean, last = excluded.last,
            last_time = excluded.last_time""";

  private PostgresSinkWriter() {}

  /**
   * Writes the batch's rows inside the caller's transaction; the sink adds the offsets and commits.
   *
   * @param optimistic whether to try the plain COPY first (false while the previous batches held
   *     repeats)
   * @return how many of the batch's readings were new and stored (the others were stored before)
   */
  static int write(Connection connection, VitalsBatch batch, Instant storedAt, boolean optimistic)
      throws SQLException {
    int stored;
    try {
      stored = storeReadings(connection, batch, storedAt, optimistic);
    } catch (IOException e) {
      throw new SQLException("COPY of raw readings failed", e);
    }
    upsertAggregates(connection, "vital_aggregate_1m", batch.minuteAggregates());
    upsertAggregates(connection, "vital_aggregate_1h", batch.hourAggregates());
    return stored;
  }

  private static int storeReadings(
      Connection connection, VitalsBatch batch, Instant storedAt, boolean optimistic)
      throws SQLException, IOException {
    List<VitalSign> readings = batch.readings();
    if (readings.isEmpty()) {
      return 0;
    }
    Function<VitalSign, String> clients = batch::sourceClient;
    if (optimistic && copied(connection, readings, storedAt, clients)) {
      return readings.size();
    }
    List<VitalSign> unstored = ReadingRepeats.unstored(connection, readings);
    if (copied(connection, unstored, storedAt, clients)) {
      return unstored.size();
    }
    return insertSkippingStored(connection, unstored, storedAt, clients);
  }

  /**
   * COPYs the readings under a savepoint; false (and nothing written) when one of them is stored
   * already.
   */
  private static boolean copied(
      Connection connection,
      List<VitalSign> readings,
      Instant storedAt,
      Function<VitalSign, String> clients)
      throws SQLException, IOException {
    if (readings.isEmpty()) {
      return true;
    }
    Savepoint beforeCopy = connection.setSavepoint();
    try {
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(COPY_READINGS, rows(readings, storedAt, clients));
      connection.releaseSavepoint(beforeCopy);
      return true;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      connection.rollback(beforeCopy);
      return false;
    }
  }

  /**
   * Stores the readings not stored yet, whoever else is writing: staging table, {@code ON CONFLICT
   * DO NOTHING}.
   */
  static int insertSkippingStored(
      Connection connection,
      List<VitalSign> readings,
      Instant storedAt,
      Function<VitalSign, String> clients)
      throws SQLException, IOException {
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    try (Statement statement = connection.createStatement()) {
      statement.execute(CREATE_STAGING);
      copy.copyIn(COPY_STAGING, rows(readings, storedAt, clients));
      int stored = statement.executeUpdate(INSERT_NEW);
      statement.execute("truncate vital_reading_staging");
      return stored;
    }
  }

  private static InputStream rows(
      List<VitalSign> readings, Instant storedAt, Function<VitalSign, String> clients) {
    BinaryCopy rows = new BinaryCopy(readings.size() * 208);
    long stored = BinaryCopy.timestamp(storedAt);
    for (VitalSign reading : readings) {
      rows.startRow(10)
          .text(reading.getPatientId())
          .text(reading.getCode())
          .timestamp(BinaryCopy.timestamp(reading.getEffectiveTime()))
          .float8(reading.getValue())
          .text(reading.getUnit())
          .text(reading.getDeviceId())
          .text(reading.getReadingId())
          .timestamp(BinaryCopy.timestamp(reading.getReceivedTime()))
          .timestamp(stored)
          .textOrNull(clients.apply(reading));
    }
    return rows.finish();
  }

  private static void upsertAggregates(
      Connection connection, String table, Iterable<VitalAggregate> aggregates)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(UPSERT_AGGREGATE.formatted(table))) {
      int rows = 0;
      for (VitalAggregate aggregate : aggregates) {
        statement.setString(1, aggregate.getPatientId());
        statement.setString(2, aggregate.getCode());
        statement.setTimestamp(3, Timestamp.from(aggregate.getWindowStart()));
        statement.setTimestamp(4, Timestamp.from(aggregate.getWindowEnd()));
        statement.setString(5, aggregate.getUnit());
        statement.setLong(6, aggregate.getCount());
        statement.setDouble(7, aggregate.getMin());
        statement.setDouble(8, aggregate.getMax());
        statement.setDouble(9, aggregate.getSum());
        statement.setDouble(10, aggregate.getMean());
        statement.setDouble(11, aggregate.getLast());
        statement.setTimestamp(12, Timestamp.from(aggregate.getLastTime()));
        statement.addBatch();
        rows++;
      }
      if (rows > 0) {
        statement.executeBatch();
      }
    }
  }
}
