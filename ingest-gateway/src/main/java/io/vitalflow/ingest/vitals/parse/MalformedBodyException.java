package io.vitalflow.ingest.vitals.parse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The request body as a whole cannot be read as readings (not JSON, not FHIR, no readings at all):
 * 400 with problem details. The only exception the parsers throw for bad input.
 */
public final class MalformedBodyException extends ErrorResponseException {

  private static final long serialVersionUID = 1L;

  public MalformedBodyException(String detail) {
    this(detail, null);
  }

  public MalformedBodyException(String detail, Throwable cause) {
    super(
        HttpStatus.BAD_REQUEST,
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail),
        cause);
  }

  /** Bad input is an expected outcome, not a bug: no stack trace to fill. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
