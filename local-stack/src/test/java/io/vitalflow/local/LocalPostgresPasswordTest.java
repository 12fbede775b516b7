package io.vitalflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.storage.PostgresCoordinates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local PostgreSQL asks for a generated password, also when its data directory dates from trust
 * login.
 */
class LocalPostgresPasswordTest {

  @TempDir Path dir;

  @Test
  void loginsNeedTheGeneratedPasswordAndAnOldTrustDataDirectoryGetsOne() throws Exception {
    Path data = dir.resolve("postgres");
    Path passwordFile = LocalPostgres.passwordFile(data);
    String first;
    try (LocalPostgres postgres = LocalPostgres.start(data, 0)) {
      PostgresCoordinates admin = postgres.admin();
      first = admin.password();
      assertThat(Files.readString(passwordFile).strip())
          .isEqualTo(first)
          .hasSize(32)
          .isNotEqualTo("postgres");
      assertThat(Files.getPosixFilePermissions(passwordFile))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(select1(admin)).isTrue();
      assertThatThrownBy(
              () ->
                  select1(
                      new PostgresCoordinates(
                          admin.host(), admin.port(), "postgres", "postgres", "postgres")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      assertThatThrownBy(
              () ->
                  select1(
                      new PostgresCoordinates(
                          admin.host(), admin.port(), "postgres", "postgres", "")))
          .isInstanceOf(SQLException.class);
    }

    // a restart keeps the password
    try (LocalPostgres postgres = LocalPostgres.start(data, 0)) {
      assertThat(postgres.admin().password()).isEqualTo(first);
      assertThat(select1(postgres.admin())).isTrue();
    }

    // a data directory from before passwords: trust login, no password file
    Files.writeString(
        data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    Files.delete(passwordFile);
    try (LocalPostgres postgres = LocalPostgres.start(data, 0)) {
      PostgresCoordinates admin = postgres.admin();
      assertThat(admin.password())
          .isNotEqualTo(first)
          .isEqualTo(Files.readString(passwordFile).strip());
      assertThat(select1(admin)).isTrue();
      assertThatThrownBy(
              () ->
                  select1(
                      new PostgresCoordinates(
                          admin.host(), admin.port(), "postgres", "postgres", first)))
          .isInstanceOf(SQLException.class);
      assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
    }
  }

  private static boolean select1(PostgresCoordinates coordinates) throws SQLException {
    try (Connection connection = coordinates.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      return statement.executeQuery("select 1").next();
    }
  }
}
