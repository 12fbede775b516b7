package io.vitalflow.dashboard.access;

/**
 * Decides which patients a client may watch. Asked for every patient of every subscription and for
 * every alert acknowledgement. Without an {@code AccessPolicy} bean the service allows everything
 * ({@link #allowAll()}); the auth issue will provide the real one.
 */
@FunctionalInterface
public interface AccessPolicy {

  boolean maySee(ClientIdentity client, String patientId);

  static AccessPolicy allowAll() {
    return (client, patientId) -> true;
  }
}
