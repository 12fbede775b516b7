package io.vitalflow.fhir.access;

import io.vitalflow.web.security.InvalidTokenException;
import io.vitalflow.web.security.Refusals;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers {@link AccessRefused} through web-support's {@link Refusals}: 403, {@code
 * WWW-Authenticate: Bearer error="insufficient_scope"}, an OperationOutcome under {@code /fhir}
 * (problem details elsewhere), and the refusal told to the audit listeners. Runs before the FHIR
 * and Spring error handlers. A token that did not verify where a service checks it itself (CDS
 * Hooks with trusted EHRs, {@link InvalidTokenException}) gets web-support's 401 the same way.
 */
@Order(-3)
final class AccessRefusedHandler implements WebExceptionHandler {

  private final Refusals refusals;

  AccessRefusedHandler(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(failure);
    }
    if (failure instanceof AccessRefused refused) {
      return refusals.forbidden(exchange, refused.getMessage());
    }
    if (failure instanceof InvalidTokenException invalid) {
      // a token checked outside web-support's filter (CDS Hooks): the same 401
      return refusals.commence(
          exchange,
          invalid.getMessage().startsWith("no bearer token")
              ? new AuthenticationCredentialsNotFoundException(invalid.getMessage())
              : new InvalidBearerTokenException(invalid.getMessage()));
    }
    return Mono.error(failure);
  }
}
