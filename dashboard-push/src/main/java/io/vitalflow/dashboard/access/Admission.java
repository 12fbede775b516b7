package io.vitalflow.dashboard.access;

/**
 * A connection that may open: who it is, and when its token expires (epoch milliseconds, the clock
 * skew included; {@link Long#MAX_VALUE} when security is switched off).
 */
public record Admission(ClientIdentity identity, long expiresAtMillis) {

  public static final Admission UNSECURED = new Admission(ClientIdentity.ANONYMOUS, Long.MAX_VALUE);
}
