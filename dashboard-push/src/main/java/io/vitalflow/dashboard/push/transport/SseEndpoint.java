package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import java.security.Principal;
import org.springframework.core.io.buffer.DataBuffer;
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
 */
@RestController
final class SseEndpoint {

  private final DashboardService service;

  SseEndpoint(DashboardService service) {
    this.service = service;
  }

  @GetMapping(path = "/api/v1/dashboard/events")
  Mono<Void> events(
      @RequestParam(required = false) String patients,
      @RequestParam(required = false) String ward,
      @RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      ServerWebExchange exchange) {
    return exchange
        .getPrincipal()
        .map(Principal::getName)
        .map(ClientIdentity::new)
        .defaultIfEmpty(ClientIdentity.ANONYMOUS)
        .flatMap(
            identity -> {
              Connection connection = service.open(Transport.SSE, identity);
              ServerHttpResponse response = exchange.getResponse();
              response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
              response.getHeaders().setCacheControl("no-cache");
              response.getHeaders().set("X-Accel-Buffering", "no");
              Flux<Mono<DataBuffer>> frames =
                  connection
                      .outbound(() -> closeChannel(response))
                      .map(frame -> Mono.just(response.bufferFactory().wrap(frame.sse())));
              return service
                  .subscribeFromQuery(
                      connection,
                      patients,
                      ward,
                      lastEventId != null ? lastEventId : lastEventIdParam)
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
  Mono<ResponseEntity<Void>> message(@PathVariable String connectionId, @RequestBody String body) {
    Connection connection = service.find(connectionId);
    if (connection == null || connection.transport != Transport.SSE) {
      throw problem(HttpStatus.NOT_FOUND, "No open event stream with this connection id");
    }
    return service
        .receive(connection, body)
        .map(
            outcome -> {
              if (outcome.ok()) {
                return ResponseEntity.accepted().<Void>build();
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
