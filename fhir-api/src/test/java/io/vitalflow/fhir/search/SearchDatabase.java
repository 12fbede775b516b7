package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A fresh migrated database, written over JDBC as the projection would, read over R2DBC as the API
 * does. Public for the tests of other packages that need stored resources (vital-sign searches).
 */
public final class SearchDatabase implements AutoCloseable {

  private final PostgresCoordinates coordinates;
  private final ConnectionPool pool;
  private final DatabaseClient client;
  private final SearchIndexer indexer = new SearchIndexer();
  private final SearchIndexWriter writer = new SearchIndexWriter();
  private final IParser parser = FhirContext.forR4Cached().newJsonParser();

  public SearchDatabase(String purpose) {
    coordinates = LocalStack.shared().freshDatabase(purpose);
    ConnectionFactoryOptions options =
        ConnectionFactoryOptions.parse(coordinates.r2dbcUrl())
            .mutate()
            .option(ConnectionFactoryOptions.USER, coordinates.user())
            .option(ConnectionFactoryOptions.PASSWORD, coordinates.password())
            .build();
    pool =
        new ConnectionPool(
            ConnectionPoolConfiguration.builder(ConnectionFactories.get(options))
                .initialSize(1)
                .maxSize(4)
                .build());
    client = DatabaseClient.create(pool);
  }

  public PostgresCoordinates coordinates() {
    return coordinates;
  }

  DatabaseClient client() {
    return client;
  }

  Connection jdbc() throws SQLException {
    return coordinates.dataSource().getConnection();
  }

  /** Stores the resources as their current versions, indexed, in one transaction. */
  public void store(Instant lastUpdated, Resource... resources) {
    try (Connection connection = jdbc()) {
      connection.setAutoCommit(false);
      List<IndexedResource> batch = new ArrayList<>();
      try (PreparedStatement upsert =
          connection.prepareStatement(
              """
          insert into fhir_resource (res_type, res_id, version_id, last_updated, deleted, resource)
          values (?, ?, 1, ?, false, ?)
          on conflict (res_type, res_id) do update set version_id = fhir_resource.version_id + 1,
            last_updated = excluded.last_updated, deleted = false, resource = excluded.resource""")) {
        for (Resource resource : resources) {
          String type = resource.fhirType();
          String id = resource.getIdElement().getIdPart();
          upsert.setString(1, type);
          upsert.setString(2, id);
          upsert.setObject(3, lastUpdated.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
          upsert.setString(4, parser.encodeResourceToString(resource));
          upsert.addBatch();
          batch.add(new IndexedResource(type, id, indexer.extract(resource)));
        }
        upsert.executeBatch();
      }
      writer.replace(connection, batch);
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void delete(Instant lastUpdated, String type, String id) {
    try (Connection connection = jdbc()) {
      connection.setAutoCommit(false);
      try (PreparedStatement delete =
          connection.prepareStatement(
              "update fhir_resource set deleted = true,"
                  + " resource = null, last_updated = ?, version_id = version_id + 1 where res_type = ? and res_id = ?")) {
        delete.setObject(1, lastUpdated.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        delete.setString(2, type);
        delete.setString(3, id);
        delete.executeUpdate();
      }
      writer.replace(connection, List.of(new IndexedResource(type, id, null)));
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long count(String sql) {
    try (Connection connection = jdbc();
        var statement = connection.createStatement();
        var result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.dispose();
  }
}
