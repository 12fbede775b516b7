package io.vitalflow.web;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults every VitalFlow service shares, written once instead of in each service's configuration
 * file; they come last, so a service's file, the command line or the environment override any of
 * them.
 *
 * <ul>
 *   <li>Every log line is bounded: a message at 2,000 characters, a stack trace at 10,000
 *       (docs/operations.md, Logs).
 *   <li>A request head cut off by {@code vitalflow.http.request-header-timeout} is counted ({@code
 *       vitalflow_http_rejected_total}), not logged with its request line.
 *   <li>Health has its liveness and readiness groups ({@code /actuator/health/liveness}, {@code
 *       /actuator/health/readiness}) outside Kubernetes too; they are open without a token.
 *   <li>Spring Security's own observations (a timer and a span around each of its filters, its
 *       authentication and its authorization) are off: they cost more per request than the checks
 *       they time, and the HTTP server's timer already covers the request.
 * </ul>
 *
 * The {@code vitalflow.http.*} defaults are those of {@link HttpLimits}; a service's file holds
 * only the limits it sets differently.
 */
public final class ServiceDefaults implements EnvironmentPostProcessor {

  /** The name of the property source, lowest in precedence. */
  public static final String NAME = "vitalflowServiceDefaults";

  static final String BOUNDED_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5p [%15.15t] %-40.40logger{39} : %.-2000m%n%.-10000wEx";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                NAME,
                Map.of(
                    "logging.pattern.console",
                    BOUNDED_PATTERN,
                    "logging.pattern.file",
                    BOUNDED_PATTERN,
                    "logging.level.reactor.netty.http.server.HttpServerOperations",
                    "error",
                    "management.endpoint.health.probes.enabled",
                    "true",
                    "management.observations.enable.spring.security",
                    "false")));
  }
}
