package io.vitalflow.web.security;

/**
 * A bearer token that was missing, malformed, expired, not yet valid, from another issuer or for
 * another audience, or not signed by the issuer's keys. The message says which, never the token.
 */
public final class InvalidTokenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
