package io.vitalflow.ingest.vitals.parse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** More bytes, or more readings, than one request may carry: 413 with problem details. */
public final class BodyTooLargeException extends ErrorResponseException {

  private static final long serialVersionUID = 1L;

  public BodyTooLargeException(String detail) {
    super(
        HttpStatus.CONTENT_TOO_LARGE,
        ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, detail),
        null);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
