package io.vitalflow.fhir;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR API names its database once: without {@code spring.r2dbc.url}, the reads (R2DBC) go to
 * the database of {@code spring.datasource.*} (the write side's JDBC pool), with the same user,
 * password and URL parameters. The URL is not taken apart: {@code jdbc:postgresql://...} becomes
 * {@code r2dbc:postgresql://...} and goes to the R2DBC driver whole, which reads {@code sslmode},
 * {@code applicationName}, {@code currentSchema} and {@code options} as pgjdbc does; pgjdbc's
 * lower-case names of the TLS files ({@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code
 * sslpassword}) are given R2DBC's spelling. A URL R2DBC cannot read (no host, several hosts) or a
 * parameter only pgjdbc knows needs {@code spring.r2dbc.url} set explicitly (docs/operations.md).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.r2dbc.url:}'.isBlank()")
class R2dbcFromDataSource {

  private static final String[][] SPELLINGS = {
    {"sslrootcert", "sslRootCert"},
    {"sslcert", "sslCert"},
    {"sslkey", "sslKey"},
    {"sslpassword", "sslPassword"}
  };

  @Bean
  R2dbcConnectionDetails r2dbcConnectionDetailsFromDataSource(DataSourceProperties dataSource) {
    ConnectionFactoryOptions options =
        options(dataSource.getUrl(), dataSource.getUsername(), dataSource.getPassword());
    return () -> options;
  }

  static ConnectionFactoryOptions options(String jdbcUrl, String user, String password) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalStateException(
          "spring.r2dbc.url is not set and spring.datasource.url is not a "
              + "jdbc:postgresql://host... URL to derive it from; set spring.r2dbc.url");
    }
    String url = "r2dbc:" + jdbcUrl.substring("jdbc:".length());
    for (String[] spelling : SPELLINGS) {
      url = url.replaceAll("([?&])" + spelling[0] + "=", "$1" + spelling[1] + "=");
    }
    ConnectionFactoryOptions.Builder options;
    try {
      options = ConnectionFactoryOptions.parse(url).mutate();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "spring.r2dbc.url is not set and R2DBC cannot read spring.datasource.url "
              + "(e.g. several hosts); set spring.r2dbc.url",
          e);
    }
    if (user != null) {
      options.option(ConnectionFactoryOptions.USER, user);
    }
    if (password != null) {
      options.option(ConnectionFactoryOptions.PASSWORD, password);
    }
    return options.build();
  }
}
