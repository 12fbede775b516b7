package io.vitalflow.ingest.vitals;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Kafka did not acknowledge every accepted reading of a request in time: 503 with {@code
 * Retry-After}. Some readings of the request may have been stored; a retry sends them again, and
 * none is lost. The sink stores a reading with the same patient, {@code readingId} and effective
 * time once (docs/storage.md), so a retry of readings with client-sent ids stores nothing twice.
 */
final class BrokerUnavailableException extends ErrorResponseException {

  private static final long serialVersionUID = 1L;

  BrokerUnavailableException(Duration retryAfter, Throwable cause) {
    super(
        HttpStatus.SERVICE_UNAVAILABLE,
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE,
            "The event store did not acknowledge the readings; none of this request is confirmed stored. Retry the"
                + " whole request after "
                + retryAfter.toSeconds()
                + " s."),
        cause);
    getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter.toSeconds()));
  }
}
