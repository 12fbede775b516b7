package io.vitalflow.platform;

import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One-value queries for assertions. */
final class Db {
  private Db() {}

  static long count(PostgresCoordinates database, String sql) {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getLong(1) : -1;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static double number(PostgresCoordinates database, String sql) {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getDouble(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
