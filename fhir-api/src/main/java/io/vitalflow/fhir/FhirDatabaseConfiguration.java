package io.vitalflow.fhir;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The write side's pooled JDBC {@code DataSource} from {@code spring.datasource.*} (HikariCP, the
 * URL handed to the driver whole), made here because Spring Boot backs off from its own when an
 * R2DBC {@code ConnectionFactory} is present, as it is for the reads. The same properties as
 * Boot's: {@code spring.datasource.url}, {@code username}, {@code password}, {@code
 * spring.datasource.hikari.*}. The reads' connection is derived from them ({@link
 * R2dbcFromDataSource}).
 */
@Configuration(proxyBeanMethods = false)
class FhirDatabaseConfiguration {

  @Bean
  @ConfigurationProperties("spring.datasource")
  DataSourceProperties dataSourceProperties() {
    return new DataSourceProperties();
  }

  @Bean(destroyMethod = "close")
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(DataSourceProperties dataSourceProperties) {
    return dataSourceProperties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
  }
}
