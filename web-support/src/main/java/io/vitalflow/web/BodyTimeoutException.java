package io.vitalflow.web;

import java.io.IOException;

/**
 * A request body stopped arriving ({@code body-read-timeout}) or took too long in all ({@code
 * request-timeout}). Raised into the request's body stream by {@link LimitsHandler}; answered 408
 * by {@link TimeoutAnswers}.
 */
final class BodyTimeoutException extends IOException {

  private static final long serialVersionUID = 1L;

  BodyTimeoutException(String message) {
    super(message);
  }

  /**
   * No stack: the cause is the client's pace, not a place in this code (and it is made per slow
   * client).
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
