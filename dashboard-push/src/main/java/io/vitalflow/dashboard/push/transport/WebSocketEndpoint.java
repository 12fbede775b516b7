package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.access.Admission;
import io.vitalflow.dashboard.access.Admissions;
import io.vitalflow.dashboard.access.Refused;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.web.security.CallerAuthentication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/dashboard/ws[?patients=a,b|ward=w][&resume=<token>]}: JSON text frames both ways.
 * Every frame from the client (also a pong) counts as a sign of life. With {@code websocket-server:
 * netty} (the default) {@link NettyWebSocketRoute} serves the upgrades in front of WebFlux and this
 * handler sees none. Here the WebFlux security filters authenticate the handshake ({@code
 * Authorization: Bearer} only: no tickets, no {@code Origin} check); a token without Observation
 * read gets the socket closed at once with status 1008.
 */
public final class WebSocketEndpoint implements WebSocketHandler {

  public static final String PATH = "/api/v1/dashboard/ws";

  private final DashboardService service;
  private final Admissions admissions;

  public WebSocketEndpoint(DashboardService service, Admissions admissions) {
    this.service = service;
    this.admissions = admissions;
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    return session
        .getHandshakeInfo()
        .getPrincipal()
        .filter(CallerAuthentication.class::isInstance)
        .cast(CallerAuthentication.class)
        .flatMap(admissions::admission)
        .switchIfEmpty(
            Mono.defer(
                () ->
                    admissions.enabled()
                        ? Mono.error(Refused.missing())
                        : Mono.just(Admission.UNSECURED)))
        .flatMap(admission -> run(session, admission))
        .onErrorResume(
            Refused.class,
            refused -> session.close(CloseStatus.POLICY_VIOLATION.withReason("forbidden")));
  }

  private Mono<Void> run(WebSocketSession session, Admission admission) {
    Connection connection = service.open(Transport.WEBSOCKET, admission);
    MultiValueMap<String, String> query =
        UriComponentsBuilder.fromUri(session.getHandshakeInfo().getUri()).build().getQueryParams();
    Mono<Void> output =
        session.send(
            connection
                .outbound()
                .map(
                    frame ->
                        new WebSocketMessage(
                            WebSocketMessage.Type.TEXT,
                            session.bufferFactory().wrap(frame.jsonBuffer()))));
    Mono<Void> input =
        service
            .subscribeFromQuery(
                connection,
                parameter(query, "patients"),
                parameter(query, "ward"),
                parameter(query, "resume"))
            .thenMany(
                session
                    .receive()
                    .concatMap(
                        message -> {
                          connection.heard();
                          return switch (message.getType()) {
                            case TEXT -> service.receive(connection, message.getPayloadAsText());
                            case BINARY -> service.binary(connection);
                            case PING, PONG -> Mono.empty();
                          };
                        }))
            .then();
    connection
        .closed()
        .filter(reason -> reason != CloseReason.CLIENT_GONE)
        .flatMap(
            reason ->
                Mono.delay(Duration.ofMillis(50))
                    .then(session.close(new CloseStatus(reason.status(), reason.code()))))
        .subscribe();
    return Mono.when(input.doFinally(signal -> connection.close(CloseReason.CLIENT_GONE)), output)
        .doFinally(
            signal -> {
              connection.close(CloseReason.CLIENT_GONE);
              service.closed(connection);
            });
  }

  private static String parameter(MultiValueMap<String, String> query, String name) {
    String raw = query.getFirst(name);
    return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
  }
}
