package io.vitalflow.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the current schema. The storage layout of raw vitals is chosen once, when
 * the database is first migrated: a TimescaleDB hypertable where the extension is available, native
 * range partitions by day otherwise. The choice is recorded in {@code vitalflow_storage} and kept
 * from then on.
 */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static StorageLayout migrate(DataSource dataSource) {
    StorageLayout layout = chooseLayout(dataSource);
    var result =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration", "classpath:db/" + layout.location())
            .load()
            .migrate();
    log.info(
        "Database schema at version {} ({} migrations applied), raw vitals layout {}",
        result.targetSchemaVersion,
        result.migrationsExecuted,
        layout);
    return layout;
  }

  static StorageLayout chooseLayout(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      boolean migratedBefore;
      try (ResultSet table =
          statement.executeQuery("select to_regclass('vitalflow_storage') is not null")) {
        table.next();
        migratedBefore = table.getBoolean(1);
      }
      if (migratedBefore) {
        try (ResultSet recorded =
            statement.executeQuery("select layout from vitalflow_storage limit 1")) {
          if (recorded.next()) {
            return StorageLayout.valueOf(recorded.getString(1));
          }
        }
      }
      try (ResultSet available =
          statement.executeQuery(
              "select count(*) from pg_available_extensions where name = 'timescaledb'")) {
        available.next();
        return available.getInt(1) > 0 ? StorageLayout.TIMESCALE : StorageLayout.NATIVE;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot inspect the database before migrating", e);
    }
  }
}
