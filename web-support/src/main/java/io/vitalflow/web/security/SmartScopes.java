package io.vitalflow.web.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scopes of one token: SMART resource scopes (v1 and v2 syntax) and any other scope by name
 * ({@code vitalflow/ops}, {@code openid}).
 */
public final class SmartScopes {

  private static final SmartScopes EVERYTHING = new SmartScopes(Set.of(), List.of(), true);

  private final Set<String> raw;
  private final List<SmartScope> resourceScopes;
  private final boolean everything;

  private SmartScopes(Set<String> raw, List<SmartScope> resourceScopes, boolean everything) {
    this.raw = raw;
    this.resourceScopes = resourceScopes;
    this.everything = everything;
  }

  /** The scopes named in {@code scopes} (each may itself hold several, space separated). */
  public static SmartScopes of(Collection<String> scopes) {
    Set<String> raw = new LinkedHashSet<>();
    for (String entry : scopes) {
      for (String scope : entry.trim().split("\\s+")) {
        if (!scope.isEmpty()) {
          raw.add(scope);
        }
      }
    }
    List<SmartScope> parsed = new ArrayList<>();
    for (String scope : raw) {
      SmartScope.parse(scope).ifPresent(parsed::add);
    }
    return new SmartScopes(Set.copyOf(raw), List.copyOf(parsed), false);
  }

  /** Every right: what a caller has when security is switched off. */
  public static SmartScopes everything() {
    return EVERYTHING;
  }

  /** Whether some scope allows {@code interaction} on {@code resourceType} at all. */
  public boolean permits(String resourceType, Interaction interaction) {
    if (everything) {
      return true;
    }
    for (SmartScope scope : resourceScopes) {
      if (scope.covers(resourceType, interaction)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether only {@code patient/} scopes allow {@code interaction} on {@code resourceType}, so the
   * caller may use it inside their patient's compartment only. False when a {@code user/} or {@code
   * system/} scope allows it, or nothing does.
   */
  public boolean patientLimited(String resourceType, Interaction interaction) {
    if (everything) {
      return false;
    }
    boolean viaPatient = false;
    for (SmartScope scope : resourceScopes) {
      if (scope.covers(resourceType, interaction)) {
        if (!scope.patientContext()) {
          return false;
        }
        viaPatient = true;
      }
    }
    return viaPatient;
  }

  /**
   * Whether the token carries {@code scope} by name (for scopes that are not SMART resource
   * scopes).
   */
  public boolean has(String scope) {
    return everything || raw.contains(scope);
  }

  /** The scopes as the token named them. */
  public Set<String> names() {
    return raw;
  }

  @Override
  public String toString() {
    return everything ? "(security off)" : String.join(" ", raw);
  }
}
