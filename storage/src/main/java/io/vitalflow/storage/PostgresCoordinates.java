package io.vitalflow.storage;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/** Where a PostgreSQL database is and how to log in, in JDBC and R2DBC form. */
public record PostgresCoordinates(String host, int port, String database, String user, String password) {

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

  /** Parses {@code jdbc:postgresql://host:port/db}. */
  public static PostgresCoordinates fromJdbcUrl(String jdbcUrl, String user, String password) {
    String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
    int slash = rest.indexOf('/');
    String hostPort = slash < 0 ? rest : rest.substring(0, slash);
    String database = slash < 0 ? user : rest.substring(slash + 1).replaceFirst("\\?.*$", "");
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    int port = colon < 0 ? 5432 : Integer.parseInt(hostPort.substring(colon + 1));
    return new PostgresCoordinates(host, port, database, user, password);
  }
}
