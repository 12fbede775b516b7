package io.vitalflow.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.junit.jupiter.api.Test;

/**
 * The reads' R2DBC options come from {@code spring.datasource.*} when {@code spring.r2dbc.url} is
 * absent.
 */
class R2dbcFromDataSourceTest {

  @Test
  void theSameServerDatabaseUserAndParameters() {
    ConnectionFactoryOptions options =
        R2dbcFromDataSource.options(
            "jdbc:postgresql://db.example:6432/vitalflow?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                + "&applicationName=fhir",
            "fhir",
            "secret");

    assertThat(options.getValue(ConnectionFactoryOptions.DRIVER)).isEqualTo("postgresql");
    assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("db.example");
    assertThat(options.getValue(ConnectionFactoryOptions.PORT)).isEqualTo(6432);
    assertThat(options.getValue(ConnectionFactoryOptions.DATABASE)).isEqualTo("vitalflow");
    assertThat(options.getValue(ConnectionFactoryOptions.USER)).isEqualTo("fhir");
    assertThat(options.getValue(ConnectionFactoryOptions.PASSWORD)).hasToString("secret");
    assertThat(options.getValue(Option.valueOf("sslmode"))).isEqualTo("verify-full");
    assertThat(options.getValue(Option.valueOf("sslRootCert"))).isEqualTo("/etc/ca.pem");
    assertThat(options.getValue(Option.valueOf("applicationName"))).isEqualTo("fhir");
  }

  @Test
  void aUrlItCannotDeriveFromAsksForSpringR2dbcUrl() {
    assertThatIllegalStateException()
        .isThrownBy(() -> R2dbcFromDataSource.options("jdbc:postgresql:vitalflow", "u", "p"))
        .withMessageContaining("spring.r2dbc.url");
  }
}
