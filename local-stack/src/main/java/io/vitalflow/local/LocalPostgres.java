package io.vitalflow.local;

import io.vitalflow.storage.PostgresCoordinates;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the embedded binaries on the class path (no install, no Docker),
 * listening on 127.0.0.1 only. The superuser {@code postgres} has a generated password, kept beside
 * the data directory in {@link #passwordFile} (mode 600, created on first start); every login, also
 * over the Unix socket, needs it ({@code scram-sha-256} in {@code pg_hba.conf}). A data directory
 * from before the password (trust login) gets one on its next start.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final String SUPERUSER = "postgres";
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final EmbeddedPostgres postgres;
  private final int port;
  private final String password;

  private LocalPostgres(EmbeddedPostgres postgres, int port, String password) {
    this.postgres = postgres;
    this.port = port;
    this.password = password;
  }

  /** Where the superuser password of the server with its data in {@code dataDir} is kept. */
  public static Path passwordFile(Path dataDir) {
    return dataDir.resolveSibling(dataDir.getFileName() + ".password");
  }

  /**
   * Starts PostgreSQL with its data in {@code dataDir} (kept across restarts); {@code port} 0 picks
   * one.
   */
  public static LocalPostgres start(Path dataDir, int port) {
    int chosen = port == 0 ? FreePorts.next() : port;
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      Leftovers.stop(dataDir.resolve("postmaster.pid"), "PostgreSQL server", "postgres");
      String password = password(passwordFile(dataDir));
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
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
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("password_encryption", "scram-sha-256")
              .setConnectConfig("password", password) // its readiness check logs in
              .setPGStartupWait(java.time.Duration.ofMinutes(2))
              .start();
      LocalPostgres local = new LocalPostgres(postgres, chosen, password);
      try {
        local.requirePassword(dataDir);
      } catch (IOException | RuntimeException e) {
        local.close();
        throw e;
      }
      log.info(
          "PostgreSQL ready on 127.0.0.1:{} in {} ms, data in {}",
          chosen,
          (System.nanoTime() - started) / 1_000_000,
          dataDir);
      return local;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /** The {@code postgres} database as superuser. */
  public PostgresCoordinates admin() {
    return new PostgresCoordinates("127.0.0.1", port, "postgres", SUPERUSER, password);
  }

  /** The generated password in {@code file}, made (mode 600) if there is none yet. */
  static String password(Path file) throws IOException {
    if (Files.exists(file)) {
      String kept = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!kept.matches("[A-Za-z0-9]{16,128}")) {
        throw new IllegalStateException(
            "Not a generated PostgreSQL password: "
                + file
                + " (delete it together with the data directory beside it for a fresh database)");
      }
      return kept;
    }
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    Path written =
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(written, password + "\n", StandardCharsets.US_ASCII);
    return password.toString();
  }

  /**
   * Sets the superuser password (a fresh data directory, or one from before passwords, still trusts
   * every local login) and makes every login need it. Done on each start, so it holds whatever
   * state the files were in.
   */
  private void requirePassword(Path dataDir) throws IOException {
    try (Connection connection = admin().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("alter role " + SUPERUSER + " with password '" + password + "'");
      Path hba = dataDir.resolve("pg_hba.conf");
      String wanted =
          String.join(
              "\n",
              "# written by VitalFlow's LocalPostgres: every login needs the password in "
                  + passwordFile(dataDir).getFileName(),
              "local all all scram-sha-256",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              "");
      if (!wanted.equals(Files.exists(hba) ? Files.readString(hba) : "")) {
        Files.writeString(hba, wanted);
        statement.execute("select pg_reload_conf()");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot log in to the local PostgreSQL with the password in "
              + passwordFile(dataDir)
              + " (it must belong to the data directory beside it)",
          e);
    }
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
      var exists =
          statement.executeQuery("select 1 from pg_database where datname = '" + name + "'");
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
