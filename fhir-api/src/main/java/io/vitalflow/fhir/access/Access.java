package io.vitalflow.fhir.access;

import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import io.vitalflow.web.security.SmartScope;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * The scope check of one interaction: does some scope of the request's token allow {@code
 * interaction} on {@code resourceType} (for any patient, or inside the token's patient
 * compartment)? If not, the request ends in a 403 naming the scopes that would allow it. Which
 * resources an allowed caller then sees is the queries' business ({@link
 * io.vitalflow.fhir.search.Visibility}).
 */
public final class Access {

  private Access() {}

  /** The caller, when it may do {@code interaction} on {@code resourceType}; else 403. */
  public static Mono<Caller> require(String resourceType, Interaction interaction) {
    return Callers.current().map(caller -> check(caller, resourceType, interaction));
  }

  /** {@code caller} when it may do {@code interaction} on {@code resourceType}; else 403. */
  public static Caller check(Caller caller, String resourceType, Interaction interaction) {
    if (!caller.may(resourceType, interaction)) {
      throw new AccessRefused(needs(resourceType, interaction));
    }
    return caller;
  }

  /** Why a token was refused: the scopes that would have allowed the interaction. */
  public static String needs(String resourceType, Interaction interaction) {
    String letter = String.valueOf(interaction.letter());
    String v1 =
        switch (interaction) {
          case READ, SEARCH -> "read";
          default -> "write";
        };
    String what = interaction.name().toLowerCase(Locale.ROOT) + " of " + resourceType;
    return "The token's scopes do not allow "
        + what
        + ": it needs patient/"
        + resourceType
        + "."
        + letter
        + " (with a patient context), user/"
        + resourceType
        + "."
        + letter
        + " or system/"
        + resourceType
        + "."
        + letter
        + (SmartScope.AUDIT_EVENT.equals(resourceType) ? " (a * type never covers it)" : "")
        + ", or a v1 ."
        + v1
        + " scope";
  }
}
