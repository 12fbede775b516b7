package io.vitalflow.web.security;

import io.vitalflow.web.OverloadAnswer;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
    if (e instanceof InvalidBearerTokenException || e instanceof OAuth2AuthenticationException) {
      String description =
          e instanceof OAuth2AuthenticationException oauth
                  && oauth.getError().getDescription() != null
              ? oauth.getError().getDescription()
              : e.getMessage();
      String detail = "The bearer token is not valid: " + Tokens.reason(description);
      return write(exchange, 401, invalidToken(detail), detail);
    }
    return write(
        exchange, 401, "Bearer", "This endpoint needs a bearer token (Authorization: Bearer ...).");
  }

  @Override
  public Mono<Void> handle(
      ServerWebExchange exchange,
      org.springframework.security.access.AccessDeniedException denied) {
    return forbidden(exchange, "The token's scopes do not allow this request.");
  }

  /** A 403 for a token without the scope {@code detail} names. */
  public Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
    return write(exchange, 403, insufficientScope(detail), detail);
  }

  /** The RFC 6750 challenge of a token that does not verify, saying why. */
  public static String invalidToken(String detail) {
    return "Bearer error=\"invalid_token\", error_description=\"" + quoted(detail) + "\"";
  }

  /** The RFC 6750 challenge of a token whose scopes do not allow the request. */
  public static String insufficientScope(String detail) {
    return "Bearer error=\"insufficient_scope\", error_description=\"" + quoted(detail) + "\"";
  }

  /**
   * Writes a refusal as the whole response: {@code status}, {@code WWW-Authenticate: challenge}
   * (none when null) and the service's body; a 401 or 403 is told to the listeners first. For a
   * service's own refusals outside the security filters too (the dashboard's streams and tickets).
   */
  public Mono<Void> write(ServerWebExchange exchange, int status, String challenge, String detail) {
    tell(exchange, status, detail);
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    OverloadAnswer.Body body = body(status, exchange.getRequest().getPath().value(), detail);
    response.setStatusCode(HttpStatusCode.valueOf(status));
    if (challenge != null) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }
    response.getHeaders().set(HttpHeaders.CONTENT_TYPE, body.contentType());
    response.getHeaders().setContentLength(body.bytes().length);
    DataBuffer buffer = response.bufferFactory().wrap(body.bytes());
    return response.writeWith(Mono.just(buffer));
  }

  /** The same refusal for a controller method that returns a {@code ResponseEntity}. */
  public ResponseEntity<Object> entity(
      ServerWebExchange exchange, int status, String challenge, String detail) {
    tell(exchange, status, detail);
    OverloadAnswer.Body body = body(status, exchange.getRequest().getPath().value(), detail);
    ResponseEntity.BodyBuilder builder =
        ResponseEntity.status(status).contentType(MediaType.parseMediaType(body.contentType()));
    if (challenge != null) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }
    return builder.body(body.bytes());
  }

  /** The body of a refusal of a request to {@code path}, in the service's format. */
  public OverloadAnswer.Body body(int status, String path, String detail) {
    return answer.body(status, path, detail);
  }

  private void tell(ServerWebExchange exchange, int status, String detail) {
    if (status == 401 || status == 403) {
      for (RefusalListener listener : listeners) {
        listener.refused(exchange, status, detail);
      }
    }
  }

  private static String quoted(String text) {
    return text.replace("\\", "\\\\").replace("\"", "'");
  }
}
