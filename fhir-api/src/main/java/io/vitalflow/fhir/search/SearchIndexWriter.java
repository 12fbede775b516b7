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

  /** Every table of the search index. */
  public static final List<String> TABLES =
      List.of(
          "fhir_search_token",
          "fhir_search_string",
          "fhir_search_date",
          "fhir_search_reference",
          "fhir_search_number",
          "fhir_search_quantity",
          "fhir_search_uri",
          "fhir_search_composite");

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
    insertNumbers(connection, batch);
    insertQuantities(connection, batch);
    insertUris(connection, batch);
    insertComposites(connection, batch);
  }

  private static void insertNumbers(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_number (res_type, res_id, param, value) values (?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Number number : resource.entries().numbers()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, number.param());
          insert.setBigDecimal(4, number.value());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertQuantities(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_quantity (res_type, res_id, param, value, system, code,"
                + " canonical_code, canonical_value) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Quantity quantity : resource.entries().quantities()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, quantity.param());
          insert.setBigDecimal(4, quantity.value());
          text(insert, 5, quantity.system());
          text(insert, 6, quantity.code());
          text(insert, 7, quantity.canonicalCode());
          if (quantity.canonicalValue() == null) {
            insert.setNull(8, Types.NUMERIC);
          } else {
            insert.setBigDecimal(8, quantity.canonicalValue());
          }
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertUris(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_uri (res_type, res_id, param, uri) values (?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Uri uri : resource.entries().uris()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, uri.param());
          insert.setString(4, uri.uri());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertComposites(Connection connection, List<IndexedResource> batch)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into fhir_search_composite (res_type, res_id, param, system1, code1, system2,"
                + " code2, value2, low2, high2) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (IndexedResource resource : batch) {
        if (resource.entries() == null) {
          continue;
        }
        for (IndexEntries.Composite composite : resource.entries().composites()) {
          insert.setString(1, resource.type());
          insert.setString(2, resource.id());
          insert.setString(3, composite.param());
          text(insert, 4, composite.system1());
          insert.setString(5, composite.code1());
          text(insert, 6, composite.system2());
          text(insert, 7, composite.code2());
          if (composite.value2() == null) {
            insert.setNull(8, Types.NUMERIC);
          } else {
            insert.setBigDecimal(8, composite.value2());
          }
          timestamp(insert, 9, composite.low2());
          timestamp(insert, 10, composite.high2());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void text(PreparedStatement insert, int index, String value) throws SQLException {
    if (value == null) {
      insert.setNull(index, Types.VARCHAR);
    } else {
      insert.setString(index, value);
    }
  }

  private static void timestamp(PreparedStatement insert, int index, java.time.Instant value)
      throws SQLException {
    if (value == null) {
      insert.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      insert.setObject(
          index, value.atOffset(java.time.ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }
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
