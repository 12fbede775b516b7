package io.vitalflow.infra.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vitalflow.infra.local.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server from the embedded binaries on the class path (no install, no Docker). */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private final EmbeddedPostgres postgres;
  private final int port;

  private LocalPostgres(EmbeddedPostgres postgres, int port) {
    this.postgres = postgres;
    this.port = port;
  }

  /** Starts PostgreSQL with its data in {@code dataDir} (kept across restarts); {@code port} 0 picks one. */
  public static LocalPostgres start(Path dataDir, int port) {
    int chosen = port == 0 ? FreePorts.next() : port;
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false) // the owner stops it, after everything that uses it
          .setPort(chosen)
          .setServerConfig("max_connections", "300")
          .setServerConfig("shared_buffers", "256MB")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("max_wal_size", "2GB")
          .setServerConfig("checkpoint_timeout", "15min")
          .setServerConfig("timezone", "UTC")
          .setPGStartupWait(java.time.Duration.ofMinutes(2))
          .start();
      log.info("PostgreSQL ready on 127.0.0.1:{} in {} ms, data in {}", chosen,
          (System.nanoTime() - started) / 1_000_000, dataDir);
      return new LocalPostgres(postgres, chosen);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /** The {@code postgres} database as superuser. */
  public PostgresCoordinates admin() {
    return new PostgresCoordinates("127.0.0.1", port, "postgres", "postgres", "postgres");
  }

  /** Creates {@code name} if it does not exist and returns its coordinates. */
  public PostgresCoordinates database(String name) {
    return createDatabase(admin(), name);
  }

  public static PostgresCoordinates createDatabase(PostgresCoordinates admin, String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("Not a plain database name: " + name);
    }
    try (Connection connection = admin.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      var exists = statement.executeQuery("select 1 from pg_database where datname = '" + name + "'");
      if (!exists.next()) {
        statement.execute("create database " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + name, e);
    }
    return admin.withDatabase(name);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("PostgreSQL did not stop cleanly", e);
    }
  }
}
