package io.vitalflow.fhir;

import io.vitalflow.storage.PostgresCoordinates;
import java.time.Duration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The FHIR API without a broker (read-only) on a test database, with a client for it. */
public final class ReadOnlyServer implements AutoCloseable {

  private final ConfigurableApplicationContext app;
  private final WebTestClient client;

  private ReadOnlyServer(ConfigurableApplicationContext app) {
    this.app = app;
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    this.client =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  public static ReadOnlyServer start(PostgresCoordinates database) {
    return new ReadOnlyServer(
        FhirApiApplication.builder()
            .run(
                "--server.port=0",
                "--vitalflow.fhir.writes-enabled=false",
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password()));
  }

  public WebTestClient client() {
    return client;
  }

  public ConfigurableApplicationContext app() {
    return app;
  }

  @Override
  public void close() {
    app.close();
  }
}
