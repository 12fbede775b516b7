package io.vitalflow.audit;

/**
 * A search of {@code AuditEvent} that cannot be run: an unknown parameter, a value of the wrong
 * form. The message says what is expected and is safe to return in an OperationOutcome (400).
 */
public final class InvalidAuditQueryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidAuditQueryException(String message) {
    super(message, null, false, false);
  }
}
