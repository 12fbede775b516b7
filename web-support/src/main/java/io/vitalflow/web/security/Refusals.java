package io.vitalflow.web.security;

import io.vitalflow.web.OverloadAnswer;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The 401 and 403 answers: {@code WWW-Authenticate: Bearer} with the RFC 6750 error, and a body
 * from the service's {@link SecurityAnswer}. Every refusal is also told to the {@link
 * RefusalListener}s (the audit trail records them).
 */
public final class Refusals implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

  private final SecurityAnswer answer;
  private final List<RefusalListener> listeners;

  public Refusals(SecurityAnswer answer, List<RefusalListener> listeners) {
    this.answer = answer;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException e) {
    String detail;
    String header;
    if (e instanceof InvalidBearerTokenException || e instanceof OAuth2AuthenticationException) {
      String description =
          e instanceof OAuth2AuthenticationException oauth
                  && oauth.getError().getDescription() != null
              ? oauth.getError().getDescription()
              : e.getMessage();
      detail = "The bearer token is not valid: " + Tokens.reason(description);
      header = "Bearer error=\"invalid_token\", error_description=\"" + quoted(detail) + "\"";
    } else {
      detail = "This endpoint needs a bearer token (Authorization: Bearer ...).";
      header = "Bearer";
    }
    return write(exchange, HttpStatus.UNAUTHORIZED, header, detail);
  }

  @Override
  public Mono<Void> handle(
      ServerWebExchange exchange,
      org.springframework.security.access.AccessDeniedException denied) {
    return forbidden(exchange, "The token's scopes do not allow this request.");
  }

  /** A 403 for a token without the scope {@code detail} names. */
  public Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
    String header =
        "Bearer error=\"insufficient_scope\", error_description=\"" + quoted(detail) + "\"";
    return write(exchange, HttpStatus.FORBIDDEN, header, detail);
  }

  private Mono<Void> write(
      ServerWebExchange exchange, HttpStatus status, String challenge, String detail) {
    for (RefusalListener listener : listeners) {
      listener.refused(exchange, status.value(), detail);
    }
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    OverloadAnswer.Body body =
        answer.body(status.value(), exchange.getRequest().getPath().value(), detail);
    response.setStatusCode(status);
    response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
    response.getHeaders().set(HttpHeaders.CONTENT_TYPE, body.contentType());
    response.getHeaders().setContentLength(body.bytes().length);
    DataBuffer buffer = response.bufferFactory().wrap(body.bytes());
    return response.writeWith(Mono.just(buffer));
  }

  private static String quoted(String text) {
    return text.replace("\\", "\\\\").replace("\"", "'");
  }
}
