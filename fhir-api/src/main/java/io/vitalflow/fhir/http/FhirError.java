package io.vitalflow.fhir.http;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/**
 * A FHIR request that ends in an error: answered as an {@code OperationOutcome} with this status.
 */
final class FhirError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient HttpStatus status;
  private final transient IssueType code;
  private final transient List<String> details;

  FhirError(HttpStatus status, IssueType code, String diagnostics) {
    this(status, code, List.of(diagnostics));
  }

  FhirError(HttpStatus status, IssueType code, List<String> details) {
    super(String.join("; ", details));
    this.status = status;
    this.code = code;
    this.details = List.copyOf(details);
  }

  static FhirError notFound(String what) {
    return new FhirError(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, what + " is not known");
  }

  static FhirError badRequest(String why) {
    return new FhirError(HttpStatus.BAD_REQUEST, IssueType.INVALID, why);
  }

  HttpStatus status() {
    return status;
  }

  IssueType code() {
    return code;
  }

  List<String> details() {
    return details;
  }
}
