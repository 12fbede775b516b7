package io.vitalflow.storage;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a PostgreSQL database that VitalFlow started or created is (the local stack, tests) and how
 * to log in, in JDBC and R2DBC form. Services never take these apart: they are given {@code
 * spring.datasource.*} and {@code spring.r2dbc.*}, whose URLs go to the drivers whole, parameters
 * and all.
 */
public record PostgresCoordinates(
    String host, int port, String database, String user, String password) {

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public String r2dbcUrl() {
    return "r2dbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public PostgresCoordinates withDatabase(String otherDatabase) {
    return new PostgresCoordinates(host, port, otherDatabase, user, password);
  }

  public DataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setServerNames(new String[] {host});
    dataSource.setPortNumbers(new int[] {port});
    dataSource.setDatabaseName(database);
    dataSource.setUser(user);
    dataSource.setPassword(password);
    dataSource.setReWriteBatchedInserts(true);
    return dataSource;
  }
}
