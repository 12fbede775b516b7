package io.vitalflow.dashboard.access;

import io.vitalflow.web.OverloadAnswer;
import io.vitalflow.web.security.Refusals;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes a {@link Refused} as the service's other refusals look, through web-support's {@link
 * Refusals}: the status, {@code WWW-Authenticate}, and RFC 9457 problem details; 401s and 403s are
 * told to the refusal listeners (the audit trail).
 */
public final class RefusedResponses {

  private final Refusals refusals;

  public RefusedResponses(Refusals refusals) {
    this.refusals = refusals;
  }

  /** The body of a refusal of a request to {@code path} (also for the Netty WebSocket route). */
  public OverloadAnswer.Body body(Refused refused, String path) {
    return refusals.body(refused.status(), path, refused.detail());
  }

  /** For a controller method that returns a {@code ResponseEntity}. */
  public ResponseEntity<Object> entity(ServerWebExchange exchange, Refused refused) {
    return refusals.entity(exchange, refused.status(), refused.challenge(), refused.detail());
  }

  /** Writes the refusal as the whole response (for a handler that returns {@code Mono<Void>}). */
  public Mono<Void> write(ServerWebExchange exchange, Refused refused) {
    return refusals.write(exchange, refused.status(), refused.challenge(), refused.detail());
  }
}
