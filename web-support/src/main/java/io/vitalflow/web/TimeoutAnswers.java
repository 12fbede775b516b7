package io.vitalflow.web;

import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * A request body that stopped arriving ({@code body-read-timeout}) or took too long in all ({@code
 * request-timeout}) is answered 408 with {@code Connection: close} in the service's error format,
 * not a 500 with a stack trace in the log: Reactor Netty signals these timeouts as errors of the
 * body stream.
 */
final class TimeoutAnswers implements WebExceptionHandler, Ordered {

  /** Reactor Netty's exception for {@code requestTimeout} is not public. */
  private static final String REQUEST_TIMEOUT = "reactor.netty.http.server.RequestTimeoutException";

  private static final Logger log = LoggerFactory.getLogger(TimeoutAnswers.class);
  private static boolean hookInstalled;

  private final OverloadAnswer answer;

  TimeoutAnswers(OverloadAnswer answer) {
    this.answer = answer;
    quietDroppedTimeouts();
  }

  @Override
  public int getOrder() {
    return -2; // before Spring Boot's error handler (-1)
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    if (error instanceof AbortedException) {
      // the client closed the connection mid-request (or a limit closed it): nobody to answer,
      // nothing to log
      return Mono.empty();
    }
    if (!isBodyTimeout(error)) {
      return Mono.error(error);
    }
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    String path = exchange.getRequest().getPath().value();
    OverloadAnswer.Body body =
        answer.body(
            HttpStatus.REQUEST_TIMEOUT.value(),
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

  /**
   * A timed-out body also reaches Reactor as an error nobody listens to any more; Reactor would log
   * each at ERROR (one line per slow client during an attack). These are dropped quietly; any other
   * dropped error is logged as Reactor would. Process-wide (Reactor's hook is global), so installed
   * once.
   */
  static synchronized void quietDroppedTimeouts() {
    if (!hookInstalled) {
      hookInstalled = true;
      Hooks.onErrorDropped(
          error -> {
            if (isBodyTimeout(error) || error instanceof AbortedException) {
              log.debug("Dropped after its request ended: {}", error.toString());
            } else {
              log.error("Operator called default onErrorDropped", error);
            }
          });
    }
  }

  static boolean isBodyTimeout(Throwable error) {
    for (Throwable cause = error;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof BodyTimeoutException
          || cause instanceof ReadTimeoutException
          || REQUEST_TIMEOUT.equals(cause.getClass().getName())) {
        return true;
      }
    }
    return false;
  }
}
