package io.vitalflow.audit;

/** FHIR R4 {@code AuditEvent.outcome}: 0 success, 4 minor failure, 8 serious failure, 12 major. */
public enum AuditOutcome {
  SUCCESS(0),
  /** The request failed through the client's fault (HTTP 4xx: 400, 401, 403, 404, 409, 422...). */
  MINOR_FAILURE(4),
  /** The request failed through the server's fault (HTTP 5xx, 503 included). */
  SERIOUS_FAILURE(8),
  /** The service itself became unavailable (not produced by VitalFlow's own services today). */
  MAJOR_FAILURE(12);

  private final int code;

  AuditOutcome(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The outcome of an HTTP status: below 400 success, 4xx minor, 5xx serious. */
  public static AuditOutcome ofStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("an HTTP status is between 100 and 599");
    }
    return status < 400 ? SUCCESS : status < 500 ? MINOR_FAILURE : SERIOUS_FAILURE;
  }

  /**
   * The outcome of a FHIR code.
   *
   * @throws IllegalArgumentException naming the codes when {@code code} is none of them
   */
  public static AuditOutcome ofCode(int code) {
    for (AuditOutcome outcome : values()) {
      if (outcome.code == code) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("outcome must be one of 0, 4, 8, 12");
  }
}
