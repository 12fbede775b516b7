package io.vitalflow.fhir.cds;

/**
 * A request the service cannot act on (400). The message names the problem, never the request's
 * data.
 */
final class InvalidHookRequest extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidHookRequest(String message) {
    super(message, null, false, false);
  }
}
