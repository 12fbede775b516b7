package io.vitalflow.dashboard.access;

import io.vitalflow.dashboard.ward.WardAssignments;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Interaction;
import io.vitalflow.web.security.SmartScope;

/**
 * Who may watch which patient (docs/security.md, "Dashboards"). Watching means reading
 * Observations, so every rule starts from the token's Observation read scope:
 *
 * <ul>
 *   <li>a {@code system/} scope that reads Observation: every patient (a central monitoring
 *       station, an integration);
 *   <li>a {@code user/} scope: the patients currently assigned to one of the caller's wards (the
 *       token's {@code wards} claim matched against {@link WardAssignments}; {@code *} is every
 *       ward, the local authorization server's administrator); a user without wards sees nobody;
 *   <li>only {@code patient/} scopes: the token's own patient, and no whole ward.
 * </ul>
 *
 * Ward membership is read at the moment of asking, so a patient moved to another ward is no longer
 * visible to the old ward's users (the service re-checks its connections on every move).
 */
public final class WardAccessPolicy implements AccessPolicy {

  private static final String OBSERVATION = "Observation";

  /** A {@code wards} claim entry that stands for every ward. */
  public static final String ALL_WARDS = "*";

  private final WardAssignments wards;

  public WardAccessPolicy(WardAssignments wards) {
    this.wards = wards;
  }

  /** Whether the caller may watch anything at all: its scopes read Observation. */
  public static boolean mayWatch(Caller caller) {
    return caller.may(OBSERVATION, Interaction.READ);
  }

  @Override
  public boolean maySee(ClientIdentity client, String patientId) {
    Caller caller = client.caller();
    if (seesEveryone(caller)) {
      return true;
    }
    if (caller.mayForAnyPatient(OBSERVATION, Interaction.READ)) {
      String ward = wards.wardOf(patientId);
      return ward != null && looksAfter(caller, ward);
    }
    return caller.compartmentOnly(OBSERVATION, Interaction.READ)
        && caller.patient().orElseThrow().equals(patientId);
  }

  @Override
  public boolean mayWatchWard(ClientIdentity client, String ward) {
    Caller caller = client.caller();
    return seesEveryone(caller)
        || caller.mayForAnyPatient(OBSERVATION, Interaction.READ) && looksAfter(caller, ward);
  }

  private static boolean looksAfter(Caller caller, String ward) {
    return caller.wards().contains(ward) || caller.wards().contains(ALL_WARDS);
  }

  /** Security off, or a {@code system/} scope that reads Observation. */
  static boolean seesEveryone(Caller caller) {
    if (caller == Caller.UNSECURED) {
      return true;
    }
    for (String name : caller.scopes().names()) {
      SmartScope scope = SmartScope.parse(name).orElse(null);
      if (scope != null
          && scope.context().equals("system")
          && scope.covers(OBSERVATION, Interaction.READ)) {
        return true;
      }
    }
    return false;
  }
}
