package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The shared defaults (bounded log lines) reach every service and give way to a service's own
 * settings.
 */
class ServiceDefaultsTest {

  @Test
  void everyApplicationWithWebSupportGetsThem() {
    try (ConfigurableApplicationContext context = LimitsTestApp.start()) {
      assertThat(context.getEnvironment().getProperty("logging.pattern.console"))
          .isEqualTo(ServiceDefaults.BOUNDED_PATTERN);
    }
  }

  @Test
  void logLinesAreBoundedUnlessAServiceSaysOtherwise() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource("service-file", Map.of("logging.pattern.file", "%m%n")));

    new ServiceDefaults().postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("logging.pattern.console"))
        .contains("%.-2000m")
        .contains("%.-10000wEx");
    assertThat(
            environment.getProperty("logging.level.reactor.netty.http.server.HttpServerOperations"))
        .isEqualTo("error");
    assertThat(environment.getProperty("logging.pattern.file")).isEqualTo("%m%n");
  }
}
