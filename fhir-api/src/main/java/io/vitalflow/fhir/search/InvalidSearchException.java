package io.vitalflow.fhir.search;

/**
 * A search the server refuses: a malformed value, or an unknown parameter under strict handling
 * (400).
 */
public final class InvalidSearchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidSearchException(String message) {
    super(message);
  }
}
