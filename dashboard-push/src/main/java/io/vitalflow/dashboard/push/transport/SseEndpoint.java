package io.vitalflow.dashboard.push.transport;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.dashboard.access.Admission;
import io.vitalflow.dashboard.access.Admissions;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.access.Refused;
import io.vitalflow.dashboard.access.RefusedResponses;
import io.vitalflow.dashboard.access.WardAccessPolicy;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.web.security.CallerAuthentication;
import io.vitalflow.web.security.Callers;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Server-Sent Events: {@code GET /api/v1/dashboard/events[?patients=a,b|ward=w]} streams the same
 * JSON messages as the WebSocket, each frame encoded once ({@code id: <instance>:<seq>} on
 * resumable ones, so the browser's {@code Last-Event-ID} resumes). The client talks back with
 * {@code POST /api/v1/dashboard/connections/{connectionId}/messages} (the id comes in the first
 * {@code subscribed} message).
 *
 * <p>The stream needs {@code Authorization: Bearer} or a {@code ?ticket=} (browsers' {@code
 * EventSource} cannot set headers); its path is public to the security filters so that a ticket
 * alone gets through, and this endpoint admits it ({@link Admissions}): 401/403 problem details
 * before any event. When the token expires the stream ends with an {@code error} event {@code
 * token-expired}. Messages are accepted only from the principal that opened the stream, and only
 * with a token that may watch patients itself (403 otherwise).
 */
@RestController
final class SseEndpoint {

  static final String EVENTS = "/api/v1/dashboard/events";

  private final DashboardService service;
  private final Admissions admissions;
  private final RefusedResponses refusals;
  private final PushMetrics metrics;

  SseEndpoint(
      DashboardService service,
      Admissions admissions,
      RefusedResponses refusals,
      PushMetrics metrics) {
    this.service = service;
    this.admissions = admissions;
    this.refusals = refusals;
    this.metrics = metrics;
  }

  @GetMapping(path = EVENTS)
  Mono<Void> events(
      @RequestParam(required = false) String patients,
      @RequestParam(required = false) String ward,
      @RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
      @RequestParam(required = false) String ticket,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      ServerWebExchange exchange) {
    return exchange
        .getPrincipal()
        .filter(CallerAuthentication.class::isInstance)
        .cast(CallerAuthentication.class)
        .flatMap(admissions::admission)
        .switchIfEmpty(
            Mono.defer(
                () ->
                    admissions.admit(
                        exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION),
                        ticket)))
        .flatMap(
            admission ->
                stream(
                    admission,
                    patients,
                    ward,
                    lastEventId != null ? lastEventId : lastEventIdParam,
                    exchange))
        .onErrorResume(
            Refused.class,
            refused -> {
              metrics.refused(Transport.SSE, refused.status());
              return refusals.write(exchange, refused);
            });
  }

  private Mono<Void> stream(
      Admission admission,
      String patients,
      String ward,
      String resume,
      ServerWebExchange exchange) {
    return Mono.defer(
        () -> {
          // the stream's path is open to the security filters (tickets): name its caller here
          AuditDetails.of(exchange).agent(admission.identity().caller());
          Connection connection = service.open(Transport.SSE, admission);
          ServerHttpResponse response = exchange.getResponse();
          response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
          response.getHeaders().setCacheControl("no-cache");
          response.getHeaders().set("X-Accel-Buffering", "no");
          Flux<Mono<DataBuffer>> frames =
              connection
                  .outbound(() -> closeChannel(response))
                  .map(frame -> Mono.just(response.bufferFactory().wrap(frame.sse())));
          return service
              .subscribeFromQuery(connection, patients, ward, resume)
              .doOnNext(outcome -> audited(exchange, outcome))
              .then(response.writeAndFlushWith(frames))
              .doFinally(
                  signal -> {
                    connection.close(CloseReason.CLIENT_GONE);
                    service.closed(connection);
                  });
        });
  }

  /**
   * Closes the TCP connection under an SSE response (Reactor Netty), whatever it still has to
   * write.
   */
  private static void closeChannel(ServerHttpResponse response) {
    Object netty = ServerHttpResponseDecorator.getNativeResponse(response);
    if (netty instanceof HttpServerResponse outbound) {
      outbound.withConnection(connection -> connection.channel().close());
    }
  }

  /**
   * One client message ({@code subscribe}, {@code unsubscribe}, {@code ack}, {@code ping}); 202 or
   * a problem.
   */
  @PostMapping(
      path = "/api/v1/dashboard/connections/{connectionId}/messages",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Object>> message(
      @PathVariable String connectionId, @RequestBody String body, ServerWebExchange exchange) {
    Connection connection = service.find(connectionId);
    if (connection == null || connection.transport != Transport.SSE) {
      throw problem(HttpStatus.NOT_FOUND, "No open event stream with this connection id");
    }
    return Callers.current()
        .flatMap(
            caller -> {
              if (!WardAccessPolicy.mayWatch(caller)) {
                // the sender's own token must allow what the stream does, whoever opened it
                metrics.refused(Transport.SSE, 403);
                return Mono.just(
                    refusals.entity(
                        exchange, Refused.insufficientScope(Admissions.NEEDS_OBSERVATION_READ)));
              }
              ClientIdentity sender = ClientIdentity.of(caller);
              if (!sender.samePrincipal(connection.identity)) {
                metrics.refused(Transport.SSE, 403);
                return Mono.just(
                    refusals.entity(
                        exchange,
                        Refused.forbidden(
                            "This event stream was opened by another principal; only its owner"
                                + " may send it messages.")));
              }
              return reply(connection, body, exchange);
            });
  }

  /**
   * The web filter records this request's one audit event: a subscribe, unsubscribe or ack says so,
   * with the patients it concerned (a ward subscription names the ward's patients).
   */
  private static void audited(ServerWebExchange exchange, DashboardService.Outcome outcome) {
    if (outcome.audited() != null) {
      AuditDetails.of(exchange).subtype(outcome.audited()).patients(outcome.patients());
    }
  }

  private Mono<ResponseEntity<Object>> reply(
      Connection connection, String body, ServerWebExchange exchange) {
    return service
        .receive(connection, body)
        .map(
            outcome -> {
              audited(exchange, outcome);
              if (outcome.ok()) {
                return ResponseEntity.accepted().<Object>build();
              }
              HttpStatus status =
                  "forbidden".equals(outcome.error())
                      ? HttpStatus.FORBIDDEN
                      : "unknown-alert".equals(outcome.error())
                          ? HttpStatus.NOT_FOUND
                          : HttpStatus.BAD_REQUEST;
              throw problem(status, outcome.error() + ": " + outcome.message());
            });
  }

  private static ErrorResponseException problem(HttpStatus status, String detail) {
    return new ErrorResponseException(
        status, ProblemDetail.forStatusAndDetail(status, detail), null);
  }
}
