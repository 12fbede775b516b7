package io.vitalflow.web.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope: {@code context/Type.permissions}, in v2 syntax ({@code
 * patient/Observation.rs}, {@code user/*.cruds}, optionally with a {@code ?param=value} constraint)
 * or v1 ({@code patient/*.read}, {@code user/*.write}, {@code system/*.*}).
 *
 * <p>A v2 constraint ({@code patient/Observation.rs?category=vital-signs}) narrows what the scope
 * grants. VitalFlow does not evaluate constraints yet, so a constrained scope grants nothing (it
 * fails closed rather than granting more than the token says).
 *
 * @param context {@code patient}, {@code user} or {@code system}
 * @param resourceType a FHIR resource type, or {@code *}
 * @param interactions what the scope allows
 */
public record SmartScope(String context, String resourceType, Set<Interaction> interactions) {

  private static final Pattern SYNTAX =
      Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(\\?.*)?");

  /** The resource type a wildcard never covers: reading the audit trail needs it by name. */
  public static final String AUDIT_EVENT = "AuditEvent";

  public SmartScope {
    interactions = interactions.isEmpty() ? Set.of() : Set.copyOf(interactions);
  }

  /** The scope {@code raw} stands for, or empty when it is not a SMART resource scope. */
  public static Optional<SmartScope> parse(String raw) {
    Matcher matcher = SYNTAX.matcher(raw);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String context = matcher.group(1);
    String type = matcher.group(2);
    String permissions = matcher.group(3);
    if (matcher.group(4) != null) {
      return Optional.of(new SmartScope(context, type, Set.of()));
    }
    Set<Interaction> interactions = permissions(permissions);
    return interactions == null
        ? Optional.empty()
        : Optional.of(new SmartScope(context, type, interactions));
  }

  private static Set<Interaction> permissions(String permissions) {
    switch (permissions.toLowerCase(Locale.ROOT)) {
      case "read":
        return EnumSet.of(Interaction.READ, Interaction.SEARCH);
      case "write":
        return EnumSet.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);
      case "*":
        return EnumSet.allOf(Interaction.class);
      default:
        break;
    }
    // v2: letters in the order c, r, u, d, s, each at most once
    String order = "cruds";
    EnumSet<Interaction> granted = EnumSet.noneOf(Interaction.class);
    int last = -1;
    for (char letter : permissions.toCharArray()) {
      int position = order.indexOf(letter);
      if (position <= last) {
        return null;
      }
      last = position;
      granted.add(Interaction.values()[position]);
    }
    return granted;
  }

  /** Whether this scope allows {@code interaction} on {@code type}. */
  public boolean covers(String type, Interaction interaction) {
    if (!interactions.contains(interaction)) {
      return false;
    }
    if (resourceType.equals("*")) {
      return !AUDIT_EVENT.equals(type);
    }
    return resourceType.equals(type);
  }

  /** Whether this scope is limited to the token's patient. */
  public boolean patientContext() {
    return context.equals("patient");
  }
}
