package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.charset.StandardCharsets;
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

  @Test
  void aLineLoggedInsideASpanNamesItsTraceId() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(ServiceDefaults.TRACE_ID + "%m");
    encoder.start();
    LoggingEvent untraced =
        new LoggingEvent("x", context.getLogger("t"), Level.INFO, "hello", null, null);
    untraced.setMDCPropertyMap(Map.of());
    LoggingEvent traced =
        new LoggingEvent("x", context.getLogger("t"), Level.INFO, "hello", null, null);
    traced.setMDCPropertyMap(Map.of("traceId", "4bf92f3577b34da6a3ce929d0e0e4736"));

    assertThat(new String(encoder.encode(untraced), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(new String(encoder.encode(traced), StandardCharsets.UTF_8))
        .isEqualTo("trace=4bf92f3577b34da6a3ce929d0e0e4736 hello");
  }
}
