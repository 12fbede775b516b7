package io.vitalflow.auth;

/**
 * The authorization server refused a token request: its OAuth2 {@code error} and {@code
 * error_description} (never the request's secrets).
 */
public final class TokenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  public TokenException(int status, String error, String description) {
    super(
        "token request refused: HTTP "
            + status
            + " "
            + error
            + (description == null || description.isEmpty() ? "" : " (" + description + ")"));
    this.status = status;
    this.error = error;
  }

  /** The HTTP status of the refusal. */
  public int status() {
    return status;
  }

  /** The OAuth2 error code, e.g. {@code invalid_client} or {@code invalid_scope}. */
  public String error() {
    return error;
  }
}
