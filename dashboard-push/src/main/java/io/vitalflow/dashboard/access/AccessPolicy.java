package io.vitalflow.dashboard.access;

/**
 * Decides which patients a client may watch. Asked for every patient of every subscription, for
 * every alert acknowledgement, and for every patient that moves ward while connections watch it.
 * The service's own is {@link WardAccessPolicy}; a test may declare another as a bean.
 */
@FunctionalInterface
public interface AccessPolicy {

  boolean maySee(ClientIdentity client, String patientId);

  /**
   * Whether the client may subscribe to a whole ward (the patients of the ward it may not see are
   * left out anyway).
   */
  default boolean mayWatchWard(ClientIdentity client, String ward) {
    return true;
  }
}
