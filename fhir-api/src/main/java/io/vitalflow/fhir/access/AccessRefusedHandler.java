package io.vitalflow.fhir.access;

import io.vitalflow.web.security.Refusals;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers {@link AccessRefused} through web-support's {@link Refusals}: 403, {@code
 * WWW-Authenticate: Bearer error="insufficient_scope"}, an OperationOutcome under {@code /fhir}
 * (problem details elsewhere), and the refusal told to the audit listeners. Runs before the FHIR
 * and Spring error handlers.
 */
@Order(-3)
final class AccessRefusedHandler implements WebExceptionHandler {

  private final Refusals refusals;

  AccessRefusedHandler(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (failure instanceof AccessRefused refused && !exchange.getResponse().isCommitted()) {
      return refusals.forbidden(exchange, refused.getMessage());
    }
    return Mono.error(failure);
  }
}
