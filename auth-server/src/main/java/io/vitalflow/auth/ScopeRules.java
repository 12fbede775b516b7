package io.vitalflow.auth;

import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which scopes a development client may ask for. The SMART scope language is open (any resource
 * type, any subset of {@code cruds}, optional {@code ?param=value} constraints), so a client is
 * described by a rule rather than a list; the rules follow the scopes of docs/security.md.
 */
final class ScopeRules {

  /** {@code patient|user|system / Type|* . cruds|read|write|* [?constraints]} (SMART v1 and v2). */
  private static final Pattern RESOURCE_SCOPE =
      Pattern.compile(
          "(patient|user|system)/([A-Z][A-Za-z]{0,63}|\\*)\\."
              + "(c?r?u?d?s?|read|write|\\*)(\\?[A-Za-z0-9_.:|,=&%-]{1,256})?");

  /** Read-only interactions: {@code r}, {@code s}, {@code rs}, v1 {@code read}. */
  private static final Pattern READ_ONLY = Pattern.compile("\\.(r|s|rs|read)(\\?|$)");

  /** The scopes that are not about resources: operations, ward administration, launch, OpenID. */
  static final Set<String> OTHER_SCOPES =
      Set.of(
          "vitalflow/ops",
          DevelopmentUsers.WARDS_ADMIN,
          "launch/patient",
          "openid",
          "fhirUser",
          "profile",
          "offline_access");

  private ScopeRules() {}

  /** Any scope of the contract (the command-line client). */
  static final Predicate<String> ANY = scope -> OTHER_SCOPES.contains(scope) || resource(scope);

  /**
   * SMART Backend Services: any {@code system/} scope, operations, and ward administration (an
   * EHR's admission system moves patients between wards; the load generator's dashboard scenario
   * puts its patients on a ward).
   */
  static final Predicate<String> SYSTEM =
      scope ->
          scope.equals("vitalflow/ops")
              || scope.equals(DevelopmentUsers.WARDS_ADMIN)
              || (resource(scope) && scope.startsWith("system/"));

  /**
   * The ward dashboard: OpenID, reading as a user, and ward administration (administrators only).
   */
  static final Predicate<String> WARD =
      scope ->
          Set.of("openid", "fhirUser", "profile", DevelopmentUsers.WARDS_ADMIN).contains(scope)
              || (resource(scope) && scope.startsWith("user/") && readOnly(scope));

  /** The SMART standalone-launch app: a patient reading their own record. */
  static final Predicate<String> PATIENT_APP =
      scope ->
          Set.of("launch/patient", "openid", "fhirUser", "profile").contains(scope)
              || (resource(scope) && scope.startsWith("patient/") && readOnly(scope));

  static boolean resource(String scope) {
    if (!RESOURCE_SCOPE.matcher(scope).matches()) {
      return false;
    }
    String rest = scope.substring(scope.indexOf('.') + 1);
    return !rest.isEmpty() && !rest.startsWith("?");
  }

  private static boolean readOnly(String scope) {
    return READ_ONLY.matcher(scope).find();
  }
}
