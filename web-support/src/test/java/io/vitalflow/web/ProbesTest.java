package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The probes every service gets from {@link ServiceDefaults}: liveness is the application alone,
 * readiness every component, status only; a {@code NOT_READY} component (a Kafka Streams
 * application that rebalances) makes readiness 503 and leaves {@code /actuator/health} UP.
 */
class ProbesTest {

  static final AtomicReference<Health> TASKS = new AtomicReference<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {

    /** Stands for {@code StreamsReadiness} (kafka-support), which this module does not see. */
    @Bean
    HealthIndicator tasksReadiness() {
      return TASKS::get;
    }
  }

  @Test
  void readinessIsNotReadyWhileTasksMoveAndTheMainHealthStaysUp() throws Exception {
    TASKS.set(Health.status(new Status("NOT_READY")).withDetail("state", "REBALANCING").build());
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(App.class)
            .properties("spring.config.name=probes-test")
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--management.endpoint.health.show-details=always")) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();

      assertThat(get(port, "/actuator/health/readiness"))
          .isEqualTo(new Answer(503, "{\"status\":\"NOT_READY\"}"));
      assertThat(get(port, "/actuator/health/liveness"))
          .isEqualTo(new Answer(200, "{\"status\":\"UP\"}"));
      Answer health = get(port, "/actuator/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body())
          .endsWith("\"status\":\"UP\"}")
          .contains(
              "\"tasksReadiness\":{\"details\":{\"state\":\"REBALANCING\"},\"status\":\"NOT_READY\"}");

      TASKS.set(Health.down().build());
      assertThat(get(port, "/actuator/health/readiness"))
          .isEqualTo(new Answer(503, "{\"status\":\"DOWN\"}"));

      TASKS.set(Health.up().build());
      assertThat(get(port, "/actuator/health/readiness"))
          .isEqualTo(new Answer(200, "{\"status\":\"UP\"}"));
    }
  }

  @Test
  void shutdownIsGracefulAndBounded() {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(App.class)
            .properties("spring.config.name=probes-test")
            .run("--server.port=0", "--spring.main.banner-mode=off")) {
      assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("graceful");
      assertThat(
              context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
          .isEqualTo("20s");
    }
  }

  private static Answer get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  record Answer(int status, String body) {}
}
