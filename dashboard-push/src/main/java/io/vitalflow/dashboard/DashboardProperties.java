package io.vitalflow.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Settings of the dashboard push service, prefix {@code vitalflow.dashboard}; each default is
 * written once, here. Kafka (address, TLS, SASL, client properties) is configured with Spring
 * Boot's {@code spring.kafka.*}.
 *
 * @param topicPrefix prefix put in front of every catalogue topic name (tests use a fresh one each)
 * @param heartbeatInterval how often the server sends {@code heartbeat}; a WebSocket silent for
 *     twice this is closed
 * @param vitalThrottle at most one {@code vital} (and one {@code aggregate}) per patient and code
 *     this often; latest wins
 * @param queueCapacity most messages waiting for one slow connection; beyond it the connection is
 *     closed
 * @param resumeWindow how far back {@code Last-Event-ID} / resume tokens can replay
 * @param resumeCapacity most events kept for replay, whatever their age
 * @param stateLookback how far back the topics are read at start to rebuild latest values, NEWS2
 *     and open alerts
 * @param maxPatients most patients whose latest state is kept in memory (least recently updated go
 *     first)
 * @param maxAlertsPerPatient most alerts kept per patient (oldest go first)
 * @param maxPatientsPerSubscription most patients one subscription may name
 * @param syncInterval how often ward assignments and alert acknowledgements made through other
 *     instances are read from PostgreSQL
 * @param websocketServer {@code netty}: the WebSocket is served by Reactor Netty in front of
 *     WebFlux (a fifth of the heap per idle connection; WebFlux filters do not see it, the identity
 *     is anonymous); {@code webflux}: by a WebFlux {@code WebSocketHandler} (filters and the
 *     handshake principal apply; tokens in the {@code Authorization} header only)
 * @param allowedOrigins the {@code Origin}s whose pages may open a WebSocket; empty: the service's
 *     own ({@code http://127.0.0.1:<port>}, {@code http://localhost:<port>})
 * @param ticketLifetime how long a connection ticket ({@code POST /api/v1/dashboard/tickets}) may
 *     wait to be used (at most once)
 * @param maxTickets most tickets outstanding at once (unused ones expire after {@code
 *     ticket-lifetime})
 * @param login how the ward page logs in (authorization code + PKCE)
 */
@ConfigurationProperties("vitalflow.dashboard")
public record DashboardProperties(
    @DefaultValue("") String topicPrefix,
    @DefaultValue("15s") Duration heartbeatInterval,
    @DefaultValue("1s") Duration vitalThrottle,
    @DefaultValue("1024") int queueCapacity,
    @DefaultValue("5m") Duration resumeWindow,
    @DefaultValue("100000") int resumeCapacity,
    @DefaultValue("12h") Duration stateLookback,
    @DefaultValue("100000") int maxPatients,
    @DefaultValue("50") int maxAlertsPerPatient,
    @DefaultValue("500") int maxPatientsPerSubscription,
    @DefaultValue("5s") Duration syncInterval,
    @DefaultValue("netty") String websocketServer,
    @DefaultValue List<String> allowedOrigins,
    @DefaultValue("30s") Duration ticketLifetime,
    @DefaultValue("10000") int maxTickets,
    @DefaultValue Login login) {

  /**
   * The ward page's login, {@code vitalflow.dashboard.login.*}: an OAuth 2.0 public client using
   * authorization code + PKCE. Empty URLs are the issuer's ({@code
   * spring.security.oauth2.resourceserver.jwt.issuer-uri}) {@code /oauth2/authorize} and {@code
   * /oauth2/token}.
   *
   * @param authorizationUri the authorization endpoint
   * @param tokenUri the token endpoint
   * @param clientId the page's client id
   * @param scope the scopes the page asks for
   */
  public record Login(
      @DefaultValue("") String authorizationUri,
      @DefaultValue("") String tokenUri,
      @DefaultValue("vitalflow-ward") String clientId,
      @DefaultValue("openid user/Observation.rs") String scope) {}

  public DashboardProperties {
    topicPrefix = Objects.requireNonNullElse(topicPrefix, "");
    require(
        topicPrefix.chars().allMatch(DashboardProperties::isTopicChar),
        "topic-prefix may hold only letters, digits, '.', '_' and '-'");
    require(
        atLeast(heartbeatInterval, Duration.ofMillis(100)),
        "heartbeat-interval must be at least 100ms");
    require(
        vitalThrottle != null && !vitalThrottle.isNegative(),
        "vital-throttle must not be negative");
    require(queueCapacity >= 16, "queue-capacity must be at least 16");
    require(atLeast(resumeWindow, Duration.ofSeconds(1)), "resume-window must be at least 1s");
    require(resumeCapacity >= 1, "resume-capacity must be positive");
    require(
        stateLookback != null && !stateLookback.isNegative(),
        "state-lookback must not be negative");
    require(maxPatients >= 1, "max-patients must be positive");
    require(maxAlertsPerPatient >= 1, "max-alerts-per-patient must be positive");
    require(maxPatientsPerSubscription >= 1, "max-patients-per-subscription must be positive");
    require(atLeast(syncInterval, Duration.ofMillis(100)), "sync-interval must be at least 100ms");
    require(
        "netty".equals(websocketServer) || "webflux".equals(websocketServer),
        "websocket-server must be netty or webflux");
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    require(
        allowedOrigins.stream().allMatch(o -> o.startsWith("http://") || o.startsWith("https://")),
        "allowed-origins must be origins like https://ward.example.org");
    require(
        atLeast(ticketLifetime, Duration.ofSeconds(1))
            && ticketLifetime.compareTo(Duration.ofMinutes(5)) <= 0,
        "ticket-lifetime must be between 1s and 5m");
    require(maxTickets >= 1, "max-tickets must be positive");
    Objects.requireNonNull(login, "login");
  }

  /**
   * The defaults, as a service without settings binds them (from the annotations above, not written
   * again).
   */
  public static DashboardProperties defaults() {
    return new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("vitalflow.dashboard", DashboardProperties.class);
  }

  private static boolean atLeast(Duration duration, Duration minimum) {
    return duration != null && duration.compareTo(minimum) >= 0;
  }

  private static boolean isTopicChar(int c) {
    return Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-';
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("vitalflow.dashboard." + message);
    }
  }
}
