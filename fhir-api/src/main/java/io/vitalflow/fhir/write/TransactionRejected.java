package io.vitalflow.fhir.write;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/**
 * A transaction that cannot be planned: a conditional create or reference that does not match
 * exactly one resource, a reference to no entry of the Bundle, or an {@code If-Match} that is not
 * the current version. The HTTP layer answers it as an {@code OperationOutcome} with this status
 * and issue type; nothing was sent.
 */
public final class TransactionRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient HttpStatus status;
  private final transient IssueType code;

  TransactionRejected(HttpStatus status, IssueType code, String diagnostics) {
    super(diagnostics);
    this.status = status;
    this.code = code;
  }

  public HttpStatus status() {
    return status;
  }

  public IssueType code() {
    return code;
  }
}
