package io.vitalflow.fhir.cds;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One item of a CDS Hooks 2.0 feedback request: what the clinician did with one card.
 *
 * @param card the card's uuid
 * @param outcome {@code accepted} or {@code overridden}
 * @param outcomeTimestamp when the clinician acted
 * @param reason the override reason the clinician chose among the card's {@code overrideReasons};
 *     null when none was chosen, always null for {@code accepted}
 * @param userComment free text the clinician added to an override; null when none
 * @param acceptedSuggestions the uuids of the suggestions taken ({@code accepted}); empty otherwise
 */
record Feedback(
    UUID card,
    String outcome,
    Instant outcomeTimestamp,
    OverrideReason reason,
    String userComment,
    List<String> acceptedSuggestions) {

  static final String ACCEPTED = "accepted";
  static final String OVERRIDDEN = "overridden";

  Feedback {
    acceptedSuggestions = List.copyOf(acceptedSuggestions);
  }
}
