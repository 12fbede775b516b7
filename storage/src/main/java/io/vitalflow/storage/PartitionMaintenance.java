package io.vitalflow.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daily partitions of {@code vital_reading} ahead of time and drops expired ones. On the
 * TimescaleDB layout both database functions are no-ops: its own policies do this work.
 */
public final class PartitionMaintenance {

  private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);

  private final DataSource dataSource;
  private final Duration lookBack;
  private final Duration lookAhead;
  private final Duration retention;
  private final Clock clock;

  public PartitionMaintenance(
      DataSource dataSource,
      Duration lookBack,
      Duration lookAhead,
      Duration retention,
      Clock clock) {
    if (retention.compareTo(lookBack) <= 0) {
      throw new IllegalArgumentException(
          "retention " + retention + " must exceed the accepted age " + lookBack);
    }
    this.dataSource = dataSource;
    this.lookBack = lookBack;
    this.lookAhead = lookAhead;
    this.retention = retention;
    this.clock = clock;
  }

  /** How many daily partitions one run created and dropped. */
  public record Result(int created, int dropped) {}

  /** Creates missing partitions and drops expired ones. */
  public Result run() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    try (Connection connection = dataSource.getConnection()) {
      int created =
          call(
              connection,
              "select vitalflow_ensure_partitions(?, ?)",
              today.minusDays(lookBack.toDays() + 1),
              today.plusDays(lookAhead.toDays() + 1));
      int dropped =
          call(
              connection,
              "select vitalflow_drop_partitions_before(?)",
              today.minusDays(retention.toDays()));
      if (created > 0 || dropped > 0) {
        log.info(
            "vital_reading partitions: {} created, {} dropped (retention {})",
            created,
            dropped,
            retention);
      }
      return new Result(created, dropped);
    } catch (SQLException e) {
      throw new IllegalStateException("Partition maintenance failed", e);
    }
  }

  private static int call(Connection connection, String sql, LocalDate... days)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < days.length; i++) {
        statement.setObject(i + 1, days[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getInt(1);
      }
    }
  }
}
