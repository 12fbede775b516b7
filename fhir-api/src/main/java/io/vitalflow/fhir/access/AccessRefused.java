package io.vitalflow.fhir.access;

/**
 * A request whose token lacks the scope it needs: answered 403 by {@link AccessRefusedHandler} with
 * the Bearer {@code insufficient_scope} challenge. The message names the scopes that would do.
 */
public final class AccessRefused extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public AccessRefused(String detail) {
    super(detail, null, false, false);
  }
}
