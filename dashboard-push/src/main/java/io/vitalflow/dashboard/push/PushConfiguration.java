package io.vitalflow.dashboard.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.vitalflow.audit.AuditTrail;
import io.vitalflow.dashboard.DashboardProperties;
import io.vitalflow.dashboard.access.AccessPolicy;
import io.vitalflow.dashboard.access.Admissions;
import io.vitalflow.dashboard.access.OriginPolicy;
import io.vitalflow.dashboard.access.RefusedResponses;
import io.vitalflow.dashboard.access.Tickets;
import io.vitalflow.dashboard.access.WardAccessPolicy;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Payloads.AckValue;
import io.vitalflow.dashboard.push.state.DashboardStore;
import io.vitalflow.dashboard.push.state.FeedHealthIndicator;
import io.vitalflow.dashboard.push.state.Hub;
import io.vitalflow.dashboard.push.state.LiveState;
import io.vitalflow.dashboard.push.state.ResumeLog;
import io.vitalflow.dashboard.push.state.Throttle;
import io.vitalflow.dashboard.push.state.TopicFeed;
import io.vitalflow.dashboard.push.transport.NettyWebSocketRoute;
import io.vitalflow.dashboard.push.transport.WebSocketAudit;
import io.vitalflow.dashboard.push.transport.WebSocketEndpoint;
import io.vitalflow.dashboard.ward.WardAssignments;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.web.security.PublicPaths;
import io.vitalflow.web.security.Refusals;
import io.vitalflow.web.security.SecuritySettings;
import io.vitalflow.web.security.TokenAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Wires the hub, the state, the topic feed and both endpoints, and runs the periodic work. */
@Configuration(proxyBeanMethods = false)
class PushConfiguration {

  private static final Logger log = LoggerFactory.getLogger(PushConfiguration.class);
  private static final Duration ACK_SYNC_OVERLAP = Duration.ofMinutes(1);

  @Bean
  PushMetrics pushMetrics(MeterRegistry registry) {
    return new PushMetrics(registry);
  }

  @Bean
  Hub hub(DashboardProperties properties, PushMetrics metrics) {
    return new Hub(new ResumeLog(properties.resumeCapacity(), properties.resumeWindow()), metrics);
  }

  @Bean
  LiveState liveState(DashboardProperties properties) {
    return new LiveState(properties.maxPatients(), properties.maxAlertsPerPatient());
  }

  @Bean
  Throttle throttle(DashboardProperties properties) {
    return new Throttle(properties.vitalThrottle());
  }

  @Bean
  DashboardStore dashboardStore(DatabaseClient database) {
    return new DashboardStore(database);
  }

  @Bean
  WardAssignments wardAssignments(DatabaseClient database) {
    return new WardAssignments(database);
  }

  @Bean
  DashboardService dashboardService(
      DashboardProperties properties,
      Hub hub,
      LiveState state,
      DashboardStore store,
      WardAssignments wards,
      ObjectProvider<AccessPolicy> access,
      PushMetrics metrics) {
    return new DashboardService(
        properties,
        hub,
        state,
        store,
        wards,
        access.getIfAvailable(() -> new WardAccessPolicy(wards)),
        metrics);
  }

  @Bean
  Tickets tickets(DashboardProperties properties) {
    return new Tickets(properties.ticketLifetime(), properties.maxTickets());
  }

  @Bean
  Admissions admissions(
      TokenAuthenticator authenticator, Tickets tickets, SecuritySettings security) {
    return new Admissions(authenticator, tickets, security.clockSkew());
  }

  @Bean
  RefusedResponses refusedResponses(Refusals refusals) {
    return new RefusedResponses(refusals);
  }

  /**
   * Served without a token: the ward page's files and login settings (the page logs in itself), and
   * the event stream, which admits its own requests (a ticket or the header; {@code SseEndpoint}).
   */
  @Bean
  PublicPaths dashboardPublicPaths() {
    return PublicPaths.of(
        "/",
        "/index.html",
        "/ward.js",
        "/ward.css",
        "/favicon.ico",
        "/api/v1/dashboard/login",
        "/ward/callback",
        "/api/v1/dashboard/events");
  }

  @Bean
  NettyWebSocketRoute.Parts nettyWebSocketRouteParts(
      DashboardService service,
      Admissions admissions,
      RefusedResponses refusals,
      PushMetrics metrics,
      AuditTrail auditTrail,
      Environment environment) {
    return new NettyWebSocketRoute.Parts(
        service,
        admissions,
        refusals,
        metrics,
        new WebSocketAudit(
            auditTrail, environment.getProperty("spring.application.name", "dashboard-push")));
  }

  @Bean
  HandlerMapping webSocketMapping(DashboardService service, Admissions admissions) {
    return new SimpleUrlHandlerMapping(
        Map.of(WebSocketEndpoint.PATH, new WebSocketEndpoint(service, admissions)), -1);
  }

  /**
   * {@code websocket-server: netty}: the WebSocket route in front of WebFlux (see {@link
   * NettyWebSocketRoute}).
   */
  @Bean
  WebServerFactoryCustomizer<NettyReactiveWebServerFactory> dashboardWebSocketRoute(
      DashboardProperties properties, ObjectProvider<NettyWebSocketRoute.Parts> parts) {
    return factory -> {
      if ("netty".equals(properties.websocketServer())) {
        factory.addRouteProviders(
            new NettyWebSocketRoute(parts, new OriginPolicy(properties.allowedOrigins())));
      }
    };
  }

  @Bean
  TopicFeed topicFeed(
      DashboardProperties properties,
      KafkaProperties kafka,
      LiveState state,
      Hub hub,
      Throttle throttle,
      PushMetrics metrics,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<Propagator> propagator) {
    return new TopicFeed(
        properties,
        kafka,
        state,
        hub,
        throttle,
        metrics,
        RecordTracing.of(
            tracer.getIfAvailable(() -> Tracer.NOOP),
            propagator.getIfAvailable(() -> Propagator.NOOP)));
  }

  @Bean
  FeedHealthIndicator dashboardFeedHealthIndicator(TopicFeed feed, Hub hub) {
    return new FeedHealthIndicator(feed, hub);
  }

  /**
   * Starts the feed (positions fixed before the application reports started) and the periodic work.
   */
  @Bean
  SmartLifecycle dashboardRuntime(
      DashboardProperties properties,
      TopicFeed feed,
      DashboardService service,
      Throttle throttle,
      WardAssignments wards,
      DashboardStore store,
      Tickets tickets) {
    return new SmartLifecycle() {
      private final Disposable.Composite tasks = Disposables.composite();
      private volatile boolean running;

      @Override
      public void start() {
        wards
            .reload()
            .onErrorResume(
                e -> {
                  log.warn("Cannot load ward assignments: {}", e.toString());
                  return Mono.empty();
                })
            .block(Duration.ofSeconds(30));
        List<AckValue> acks =
            store
                .acksSince(Instant.now().minus(properties.stateLookback()))
                .onErrorResume(
                    e -> {
                      log.warn("Cannot load alert acknowledgements: {}", e.toString());
                      return Flux.empty();
                    })
                .collectList()
                .block(Duration.ofSeconds(30));
        feed.start(acks);
        Duration flushEvery =
            properties.vitalThrottle().dividedBy(4).compareTo(Duration.ofMillis(20)) < 0
                ? Duration.ofMillis(20)
                : properties.vitalThrottle().dividedBy(4);
        tasks.add(
            Flux.interval(flushEvery, Schedulers.single())
                .subscribe(tick -> throttle.flush(System.nanoTime())));
        tasks.add(
            Flux.interval(properties.heartbeatInterval(), Schedulers.single())
                .subscribe(tick -> service.tick()));
        // token expiry: one sweep a second over all connections (no timer per connection)
        tasks.add(
            Flux.interval(Duration.ofSeconds(1), Schedulers.single())
                .subscribe(
                    tick -> {
                      long now = System.currentTimeMillis();
                      service.expireTokens(now);
                      tickets.purge(now);
                    }));
        // acks since the last sync that succeeded, with a minute of overlap: a late tick (busy
        // machine) or an
        // ack whose alert this instance has not seen yet is picked up by a later sync; re-applying
        // is a no-op
        AtomicReference<Instant> lastSync = new AtomicReference<>(Instant.now());
        // a tick that finds the previous sync still running is dropped (without this the interval
        // fails
        // with "Could not emit tick" on a busy machine and the sync stops for good)
        tasks.add(
            Flux.interval(properties.syncInterval(), Schedulers.single())
                .onBackpressureDrop()
                .concatMap(
                    tick -> {
                      Instant started = Instant.now();
                      Instant since = lastSync.get().minus(ACK_SYNC_OVERLAP);
                      return wards
                          .reload()
                          .then(
                              store
                                  .acksSince(since)
                                  .collectList()
                                  .doOnNext(service::acknowledgedElsewhere))
                          .doOnSuccess(done -> lastSync.set(started))
                          .onErrorResume(
                              e -> {
                                log.warn(
                                    "Cannot read ward assignments or acknowledgements: {}",
                                    e.toString());
                                return Mono.empty();
                              });
                    })
                .subscribe());
        running = true;
      }

      @Override
      public void stop() {
        running = false;
        tasks.dispose();
        // before the web server's graceful shutdown, which would otherwise wait for these long
        // requests
        service.closeAll(CloseReason.SHUTDOWN);
        feed.close();
      }

      @Override
      public boolean isRunning() {
        return running;
      }
    };
  }
}
