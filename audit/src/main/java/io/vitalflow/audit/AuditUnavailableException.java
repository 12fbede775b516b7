package io.vitalflow.audit;

import java.time.Duration;

/**
 * The audit trail cannot deliver events (its buffer is full, or its oldest event is past the
 * delivery deadline) and fails closed: the caller must not serve the request, and answers 503 with
 * {@code Retry-After: }{@link #retryAfter()} instead. The message names counts and durations only.
 */
public final class AuditUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  AuditUnavailableException(String message, Duration retryAfter) {
    super(message, null, false, false);
    this.retryAfter = retryAfter;
  }

  /** How long a client should wait before trying again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
