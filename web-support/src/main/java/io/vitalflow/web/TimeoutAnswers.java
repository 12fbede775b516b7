package io.vitalflow.web;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;

/**
 * A request body that stopped arriving ({@code body-read-timeout}) or took too long in all
 * ({@code request-timeout}) is answered 408 with {@code Connection: close} in the service's error format,
 * not a 500 with a stack trace in the log: Reactor Netty signals these timeouts as errors of the body stream.
 */
final class TimeoutAnswers implements WebExceptionHandler, Ordered {

  /** Reactor Netty's exception for {@code requestTimeout} is not public. */
  private static final String REQUEST_TIMEOUT = "reactor.netty.http.server.RequestTimeoutException";

  private final OverloadAnswer answer;

  TimeoutAnswers(OverloadAnswer answer) {
    this.answer = answer;
  }

  @Override
  public int getOrder() {
    return -2; // before Spring Boot's error handler (-1)
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    if (!isBodyTimeout(error)) {
      return Mono.error(error);
    }
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    String path = exchange.getRequest().getPath().value();
    OverloadAnswer.Body body = answer.body(HttpStatus.REQUEST_TIMEOUT.value(),
        path.length() > 200 ? path.substring(0, 200) : path,
        "The request body did not arrive in time; send it again.");
    response.setStatusCode(HttpStatus.REQUEST_TIMEOUT);
    HttpHeaders headers = response.getHeaders();
    headers.setContentType(MediaType.parseMediaType(body.contentType()));
    headers.setContentLength(body.bytes().length);
    headers.set(HttpHeaders.CONNECTION, "close");
    DataBuffer buffer = response.bufferFactory().wrap(body.bytes());
    return response.writeWith(Mono.just(buffer));
  }

  static boolean isBodyTimeout(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ReadTimeoutException || REQUEST_TIMEOUT.equals(cause.getClass().getName())) {
        return true;
      }
    }
    return false;
  }
}
