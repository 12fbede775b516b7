package io.vitalflow.dashboard.access;

import io.vitalflow.web.OverloadAnswer;
import io.vitalflow.web.security.RefusalListener;
import io.vitalflow.web.security.SecurityAnswer;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes a {@link Refused} as the service's other refusals look: the status, {@code
 * WWW-Authenticate}, and RFC 9457 problem details from the {@link SecurityAnswer}; 401s and 403s
 * are told to the {@link RefusalListener}s (the audit trail).
 */
public final class RefusedResponses {

  private final SecurityAnswer answer;
  private final List<RefusalListener> listeners;

  public RefusedResponses(SecurityAnswer answer, List<RefusalListener> listeners) {
    this.answer = answer;
    this.listeners = List.copyOf(listeners);
  }

  private void tell(ServerWebExchange exchange, Refused refused) {
    if (refused.status() == 401 || refused.status() == 403) {
      for (RefusalListener listener : listeners) {
        listener.refused(exchange, refused.status(), refused.detail());
      }
    }
  }

  /** The body of a refusal of a request to {@code path} (also for the Netty WebSocket route). */
  public OverloadAnswer.Body body(Refused refused, String path) {
    return answer.body(refused.status(), path, refused.detail());
  }

  /** For a controller method that returns a {@code ResponseEntity}. */
  public ResponseEntity<Object> entity(ServerWebExchange exchange, Refused refused) {
    tell(exchange, refused);
    OverloadAnswer.Body body = body(refused, exchange.getRequest().getPath().value());
    ResponseEntity.BodyBuilder builder =
        ResponseEntity.status(refused.status())
            .contentType(MediaType.parseMediaType(body.contentType()));
    if (refused.challenge() != null) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, refused.challenge());
    }
    return builder.body(body.bytes());
  }

  /** Writes the refusal as the whole response (for a handler that returns {@code Mono<Void>}). */
  public Mono<Void> write(ServerWebExchange exchange, Refused refused) {
    tell(exchange, refused);
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    OverloadAnswer.Body body = body(refused, exchange.getRequest().getPath().value());
    response.setStatusCode(HttpStatus.valueOf(refused.status()));
    if (refused.challenge() != null) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, refused.challenge());
    }
    response.getHeaders().set(HttpHeaders.CONTENT_TYPE, body.contentType());
    response.getHeaders().setContentLength(body.bytes().length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body.bytes())));
  }
}
