package io.vitalflow.fhir.cds;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A CDS Hooks 2.0 card (only the fields this service fills in). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record Card(
    String uuid,
    String summary,
    String detail,
    String indicator,
    Source source,
    List<Suggestion> suggestions,
    String selectionBehavior,
    List<Coding> overrideReasons) {

  Card {
    suggestions = List.copyOf(suggestions);
    overrideReasons = List.copyOf(overrideReasons);
  }

  /** A FHIR Coding, as CDS Hooks 2.0 uses it for {@code overrideReasons} and feedback. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Coding(String system, String code, String display) {}

  /** The knowledge base behind the card, and the rule's own source as the topic. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Source(String label, Topic topic) {}

  /** A Coding: {@code system|code} of the rule, {@code display} its literature source. */
  record Topic(String system, String code, String display) {}

  record Suggestion(String label, String uuid, List<Action> actions) {

    Suggestion {
      actions = List.copyOf(actions);
    }
  }

  /**
   * {@code type} create, update or delete; for delete, {@code resourceId} is the relative
   * reference.
   */
  record Action(String type, String description, String resourceId) {}

  /** The response body: {@code {"cards": [...]}}. */
  record Response(List<Card> cards) {

    Response {
      cards = List.copyOf(cards);
    }
  }
}
