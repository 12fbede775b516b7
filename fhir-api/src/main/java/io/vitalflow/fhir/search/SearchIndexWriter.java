package io.vitalflow.fhir.search;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Replaces the search index rows of resources, inside the caller's transaction (never commits): one
 * delete per index table for the whole batch, then JDBC batch inserts of the new entries.
 */
public final class SearchIndexWriter {

  private static final List<String> TABLES =
      List.of(
          "fhir_search_token", "fhir_search_string", "fhir_search_date", "fhir_search_reference");

  /**
   * Deletes the rows of every (type, id) in {@code batch}, then inserts the entries given; a
   * resource with null or empty entries (deleted) is only removed from the index.
   */
  public void replace(Connection connection, List<IndexedResource> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    delete(connection, batch);
    insertTokens(connection, batch);
    insertStrings(connection, batch);
    insertDates(connection, batch);
    insertReferences(connection, batch);
  }

  private static void delete(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    String[] types = batch.stream().map(IndexedResource::type).toArray(String[]::new);
    String[] ids = batch.stream().map(IndexedResource::id).toArray(String[]::new);
    Array typeArray = connection.createArrayOf("text", types);
    Array idArray = connection.createArrayOf("text", ids);
    try {
      for (String table : TABLES) {
        try (PreparedStatement delete =
            connection.prepareStatement(
                "delete from "
                    + table
                    + " x using unnest(?::text[], ?::text[]) as k(res_type, res_id)"
                    + " where x.res_type = k.res_type and x.res_id = k.res_id")) {
          delete.setArray(1, typeArray);
          delete.setArray(2, idArray);
          delete.executeUpdate();
        }
      }
    } finally {
      typeArray.free();
      idArray.free();
    }
  }

  private static void insertTokens(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_token (res_type, res_id, param, system, code) values (?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Token token : resource.entries().tokens()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, token.param());
          if (token.system() == null) {
            insert.setNull(4, Types.VARCHAR);
          } else {
            insert.setString(4, token.system());
          }
          insert.setString(5, token.code());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertStrings(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_string (res_type, res_id, param, value, exact) values (?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Text text : resource.entries().strings()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, text.param());
          insert.setString(4, text.value());
          insert.setString(5, text.exact());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertDates(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_date (res_type, res_id, param, low, high) values (?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.DateRange date : resource.entries().dates()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, date.param());
          insert.setObject(
              4, date.low().atOffset(java.time.ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
          insert.setObject(
              5, date.high().atOffset(java.time.ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertReferences(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_reference"
                + " (res_type, res_id, param, target_type, target_id) values (?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Reference reference : resource.entries().references()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, reference.param());
          insert.setString(4, reference.targetType());
          insert.setString(5, reference.targetId());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }
}
