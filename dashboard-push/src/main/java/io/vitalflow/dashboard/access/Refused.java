package io.vitalflow.dashboard.access;

import io.vitalflow.web.security.Refusals;

/**
 * A connection or request that may not go on: 401 (no token or ticket, or one that does not
 * verify), 403 (its scopes do not allow it, it is not the connection's owner, or a bad {@code
 * Origin}) or 503 (the token issuer cannot be reached). The detail says why, never the token.
 */
public final class Refused extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String challenge;

  private Refused(int status, String challenge, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.challenge = challenge;
  }

  /** 401: no token and no ticket. */
  public static Refused missing() {
    return new Refused(
        401,
        "Bearer",
        "This endpoint needs a bearer token (Authorization: Bearer ...) or a ticket"
            + " (?ticket=..., from POST /api/v1/dashboard/tickets).");
  }

  /** 401: a token or ticket that does not verify. */
  public static Refused invalid(String reason) {
    String detail = "The bearer token is not valid: " + reason;
    return new Refused(401, Refusals.invalidToken(detail), detail);
  }

  /** 403: the token's scopes do not allow it. */
  public static Refused insufficientScope(String detail) {
    return new Refused(403, Refusals.insufficientScope(detail), detail);
  }

  /** 403 for another reason than scope (owner, origin): no challenge. */
  public static Refused forbidden(String detail) {
    return new Refused(403, null, detail);
  }

  /** 503: tokens cannot be verified now. */
  public static Refused unavailable(String detail) {
    return new Refused(503, null, detail);
  }

  public int status() {
    return status;
  }

  public String detail() {
    return getMessage();
  }

  /** The {@code WWW-Authenticate} value, or null. */
  public String challenge() {
    return challenge;
  }
}
