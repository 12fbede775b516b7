package io.vitalflow.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code audit_event} within its retention ({@code vitalflow.audit.retention}, 5 years by
 * default): drops the monthly partitions (native layout) or chunks (TimescaleDB) that end on or
 * before now minus the retention, whole, and makes the next two months' partitions ahead of time
 * (native; TimescaleDB makes chunks itself). Rows are never deleted one by one.
 */
public final class AuditRetention {

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

  private final DataSource dataSource;
  private final Period retention;
  private final Clock clock;

  public AuditRetention(DataSource dataSource, Period retention, Clock clock) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("audit retention must be positive");
    }
    this.dataSource = dataSource;
    this.retention = retention;
    this.clock = clock;
  }

  /** How many partitions (or chunks) one run created and dropped. */
  public record Result(int created, int dropped) {}

  public Result run() {
    OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
    LocalDate today = now.toLocalDate();
    OffsetDateTime cutoff = now.minus(retention);
    try (Connection connection = dataSource.getConnection()) {
      int created;
      try (PreparedStatement statement =
          connection.prepareStatement("select vitalflow_audit_ensure_partitions(?, ?)")) {
        statement.setObject(1, today.withDayOfMonth(1));
        statement.setObject(2, today.withDayOfMonth(1).plusMonths(3));
        created = single(statement);
      }
      int dropped;
      try (PreparedStatement statement =
          connection.prepareStatement("select vitalflow_audit_drop_partitions_before(?)")) {
        statement.setObject(1, cutoff);
        dropped = single(statement);
      }
      if (created > 0 || dropped > 0) {
        log.info(
            "audit_event: {} partitions created, {} dropped (retention {})",
            created,
            dropped,
            retention);
      }
      return new Result(created, dropped);
    } catch (SQLException e) {
      throw new IllegalStateException("Audit retention failed", e);
    }
  }

  private static int single(PreparedStatement statement) throws SQLException {
    try (ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getInt(1);
    }
  }
}
