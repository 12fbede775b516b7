package io.vitalflow.web;

import static java.util.Map.entry;

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
 *       (docs/operations.md, Logs). Structured JSON lines too, when {@code
 *       logging.structured.format.console} turns them on ({@code ecs} or {@code logstash}; off by
 *       default): {@link BoundedJsonLogLines} and the stack trace's {@code max-length}. A line
 *       logged inside a traced span names its trace id.
 *   <li>A request head cut off by {@code vitalflow.http.request-header-timeout} is counted ({@code
 *       vitalflow_http_rejected_total}), not logged with its request line.
 *   <li>Health has its liveness and readiness groups ({@code /actuator/health/liveness}, {@code
 *       /actuator/health/readiness}) outside Kubernetes too; they are open without a token, so they
 *       answer with the status alone. Liveness is the application's own state only (a broker or
 *       database outage is no reason to restart it); readiness is every health component (the
 *       broker acknowledging, the database, the sinks, the audit trail, ...) plus the readiness
 *       state, which goes to refusing first when the application stops, and the components that
 *       only readiness counts: a Kafka Streams application that is not {@code RUNNING} is {@code
 *       NOT_READY} ({@code io.vitalflow.kafka.StreamsReadiness}), which the main health endpoint's
 *       status order ignores and readiness maps to 503 (docs/deployment.md, Probes).
 *   <li>Graceful shutdown: on SIGTERM the web server takes no new connection, lets requests in
 *       flight finish, and then Kafka clients and pools close; each shutdown phase is bounded by
 *       {@code spring.lifecycle.timeout-per-shutdown-phase} (20 s).
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

  private static final String LIVENESS = "management.endpoint.health.group.liveness.";
  private static final String READINESS = "management.endpoint.health.group.readiness.";

  /**
   * {@code trace=<id> } when the line is logged inside a span (the trace id Micrometer Tracing puts
   * in the MDC, docs/observability.md, "Tracing"), nothing otherwise.
   */
  static final String TRACE_ID = "%replace(trace=%X{traceId} ){'^trace= $', ''}";

  static final String BOUNDED_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5p [%15.15t] %-40.40logger{39} : "
          + TRACE_ID
          + "%.-2000m%n%.-10000wEx";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                NAME,
                Map.ofEntries(
                    entry("logging.pattern.console", BOUNDED_PATTERN),
                    entry("logging.pattern.file", BOUNDED_PATTERN),
                    entry(
                        "logging.structured.json.customizer", BoundedJsonLogLines.class.getName()),
                    entry("logging.structured.json.stacktrace.max-length", "10000"),
                    entry("logging.level.reactor.netty.http.server.HttpServerOperations", "error"),
                    entry("management.endpoint.health.probes.enabled", "true"),
                    entry(LIVENESS + "include", "livenessState"),
                    entry(LIVENESS + "show-details", "never"),
                    entry(LIVENESS + "show-components", "never"),
                    entry(READINESS + "include", "*"),
                    entry(READINESS + "show-details", "never"),
                    entry(READINESS + "show-components", "never"),
                    entry(READINESS + "status.order", "DOWN,OUT_OF_SERVICE,NOT_READY,UP,UNKNOWN"),
                    entry(READINESS + "status.http-mapping.DOWN", "503"),
                    entry(READINESS + "status.http-mapping.OUT_OF_SERVICE", "503"),
                    entry(READINESS + "status.http-mapping.NOT_READY", "503"),
                    entry("server.shutdown", "graceful"),
                    entry("spring.lifecycle.timeout-per-shutdown-phase", "20s"),
                    entry("management.observations.enable.spring.security", "false"))));
  }
}
