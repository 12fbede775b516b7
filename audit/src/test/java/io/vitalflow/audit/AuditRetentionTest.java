package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real PostgreSQL (native layout): the sink makes the partition of whatever month an
 * event is from, and retention drops whole months older than the setting, keeping the rest, and
 * makes the coming months ahead.
 */
class AuditRetentionTest {

  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

  private final LocalStack stack = LocalStack.shared();
  private final Instant now = Instant.now();
  private PostgresCoordinates database;

  @BeforeEach
  void setUp() {
    database = stack.freshDatabase("audit_retention");
  }

  @Test
  void monthsOlderThanTheRetentionAreDroppedWholeAndTheRestKept() throws Exception {
    Instant sixYearsAgo = now.atZone(ZoneOffset.UTC).minusYears(6).toInstant();
    Instant fourYearsAgo = now.atZone(ZoneOffset.UTC).minusYears(4).toInstant();
    store(List.of(at(sixYearsAgo), at(sixYearsAgo), at(fourYearsAgo), at(now)));
    assertThat(partitionExists(sixYearsAgo)).isTrue();
    assertThat(count()).isEqualTo(4);

    var result =
        new AuditRetention(database.dataSource(), Period.ofYears(5), Clock.systemUTC()).run();

    assertThat(result.dropped()).isEqualTo(1);
    assertThat(partitionExists(sixYearsAgo)).isFalse();
    assertThat(partitionExists(fourYearsAgo)).isTrue();
    assertThat(count()).isEqualTo(2);
    // the next two months are there before an event needs them
    Instant inTwoMonths = now.atZone(ZoneOffset.UTC).plusMonths(2).toInstant();
    assertThat(partitionExists(inTwoMonths)).isTrue();

    // the retention is a setting
    var shorter =
        new AuditRetention(database.dataSource(), Period.ofYears(3), Clock.systemUTC()).run();
    assertThat(shorter.dropped()).isEqualTo(1);
    assertThat(partitionExists(fourYearsAgo)).isFalse();
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void theCurrentMonthIsNeverDroppedEvenWithAShortRetention() throws Exception {
    store(List.of(at(now)));
    var result =
        new AuditRetention(database.dataSource(), Period.ofDays(1), Clock.systemUTC()).run();
    assertThat(partitionExists(now)).isTrue();
    assertThat(count()).isEqualTo(1);
    assertThat(result.created()).isGreaterThanOrEqualTo(0);
  }

  private static AuditRecord at(Instant recorded) {
    return AuditRecord.builder("fhir-api", AuditSubtype.READ)
        .recorded(recorded)
        .status(200)
        .agent("nurse.ana", "ward-dashboard")
        .patient("p-1")
        .build();
  }

  private void store(List<AuditRecord> records) throws SQLException {
    AuditBatch batch = new AuditBatch();
    for (AuditRecord record : records) {
      batch.add(
          new ConsumerRecord<>(
              "audit.v1", 0, 0, null, AuditEvents.toJson(record).getBytes(StandardCharsets.UTF_8)));
    }
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      batch.write(connection);
      connection.commit();
      batch.committed();
      batch.clear();
    }
  }

  private boolean partitionExists(Instant in) throws SQLException {
    String name = "audit_event_" + YearMonth.from(in.atZone(ZoneOffset.UTC)).format(MONTH);
    return query("select count(*) from pg_class where relname = '" + name + "'") == 1;
  }

  private long count() throws SQLException {
    return query("select count(*) from audit_event");
  }

  private long query(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
