package io.vitalflow.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalPostgres;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migrations of {@code vital_reading} on a database that already holds readings: V5 (readings
 * stored twice: one row of each is kept, then the index holds) and V8 (the {@code source_client}
 * column).
 */
class VitalReadingMigrationTest {

  @Test
  void readingsStoredTwiceBeforeTheUniqueIndexAreKeptOnce() throws SQLException {
    PostgresCoordinates database =
        LocalPostgres.createDatabase(
            LocalStack.shared().postgresAdmin(),
            "v5_" + UUID.randomUUID().toString().substring(0, 8));
    Flyway.configure()
        .dataSource(database.dataSource())
        .locations("classpath:db/migration", "classpath:db/native")
        .target("4")
        .load()
        .migrate();
    String row =
        "('p1', '8867-4', now() - interval '1 hour', %s, '/min', 'd1', '%s', now(),"
            + " now() + interval '%s second')";
    execute(
        database,
        "insert into vital_reading values "
            + String.join(
                ", ",
                row.formatted(70, "r1", 1),
                row.formatted(71, "r1", 2),
                row.formatted(72, "r1", 3),
                row.formatted(80, "r2", 1))
            + ", ('p2', '8867-4', now() - interval '1 hour', 90, '/min', 'd1', 'r1', now(), now())");

    Migrations.migrate(database.dataSource());

    assertThat(VitalsSinkTest.count(database, "select count(*) from vital_reading")).isEqualTo(3);
    assertThat(
            VitalsSinkTest.count(
                database,
                "select value from vital_reading where patient_id = 'p1' and reading_id = 'r1'"))
        .as("the first stored is kept")
        .isEqualTo(70);
    execute(
        database,
        "insert into vital_reading select * from vital_reading where reading_id = 'r2' on conflict do nothing");
    assertThat(VitalsSinkTest.count(database, "select count(*) from vital_reading")).isEqualTo(3);
  }

  @Test
  void theSourceClientColumnIsAddedToATableThatAlreadyHoldsReadings() throws SQLException {
    PostgresCoordinates database =
        LocalPostgres.createDatabase(
            LocalStack.shared().postgresAdmin(),
            "v8_" + UUID.randomUUID().toString().substring(0, 8));
    Flyway.configure()
        .dataSource(database.dataSource())
        .locations("classpath:db/migration", "classpath:db/native")
        // the last version before V8 that exists on every branch (V7, the audit trail, may not)
        .target("6")
        .load()
        .migrate();
    execute(
        database,
        "insert into vital_reading values ('p1', '8867-4', now() - interval '1 hour', 70, '/min',"
            + " 'd1', 'r1', now(), now()), ('p2', '8867-4', now() - interval '2 hour', 71, '/min',"
            + " 'd1', 'r2', now(), now())");

    Migrations.migrate(database.dataSource());

    assertThat(
            VitalsSinkTest.count(
                database, "select count(*) from vital_reading where source_client is null"))
        .as("the readings stored before keep their rows, without a client")
        .isEqualTo(2);
    execute(
        database,
        "insert into vital_reading (patient_id, code, effective_time, value, unit, device_id,"
            + " reading_id, received_at, stored_at, source_client) values ('p1', '8867-4', now(),"
            + " 72, '/min', 'd1', 'r3', now(), now(), 'vitalflow-gateway')");
    assertThat(
            VitalsSinkTest.count(
                database,
                "select count(*) from vital_reading where source_client = 'vitalflow-gateway'"))
        .isEqualTo(1);
  }

  private static void execute(PostgresCoordinates database, String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
