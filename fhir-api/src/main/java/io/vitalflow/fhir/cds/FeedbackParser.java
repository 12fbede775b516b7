package io.vitalflow.fhir.cds;

import io.vitalflow.fhir.input.BodyScan;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a CDS Hooks 2.0 feedback body, {@code {"feedback": [{"card", "outcome",
 * "acceptedSuggestions", "overrideReason": {"reason", "userComment"}, "outcomeTimestamp"}]}}. Every
 * problem is an {@link InvalidHookRequest} naming the item and field, never the data.
 */
final class FeedbackParser {

  /** Items per request: a client reports what one user did with one response's cards. */
  static final int MAX_ITEMS = 100;

  static final int MAX_COMMENT = 2000;
  static final int MAX_SUGGESTIONS = 20;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> ITEM_FIELDS =
      Set.of("card", "outcome", "acceptedSuggestions", "overrideReason", "outcomeTimestamp");

  private FeedbackParser() {}

  static List<Feedback> parse(String body, BodyScan scan) {
    JsonNode root = HookRequestParser.jsonObject(body, scan, "a feedback request");
    JsonNode items = root.get("feedback");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new InvalidHookRequest("feedback must be a non-empty array");
    }
    if (items.size() > MAX_ITEMS) {
      throw new InvalidHookRequest("at most " + MAX_ITEMS + " feedback items per request");
    }
    List<Feedback> result = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      result.add(item(items.get(i), "feedback[" + i + "]"));
    }
    return result;
  }

  private static Feedback item(JsonNode item, String path) {
    if (!item.isObject()) {
      throw new InvalidHookRequest(path + " must be a JSON object");
    }
    for (String name : item.propertyNames()) {
      if (!ITEM_FIELDS.contains(name)) {
        throw new InvalidHookRequest(
            path
                + " has an unknown field '"
                + bounded(name)
                + "'; known: card, outcome,"
                + " acceptedSuggestions, overrideReason, outcomeTimestamp");
      }
    }
    UUID card;
    try {
      card = UUID.fromString(string(item, "card", path));
    } catch (IllegalArgumentException e) {
      throw new InvalidHookRequest(path + ".card must be the uuid of a card");
    }
    String outcome = string(item, "outcome", path);
    if (!outcome.equals(Feedback.ACCEPTED) && !outcome.equals(Feedback.OVERRIDDEN)) {
      throw new InvalidHookRequest(path + ".outcome must be 'accepted' or 'overridden'");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(string(item, "outcomeTimestamp", path)).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidHookRequest(
          path
              + ".outcomeTimestamp must be an ISO 8601 date-time with a time zone,"
              + " e.g. 2026-12-06T10:15:30Z");
    }
    JsonNode override = item.get("overrideReason");
    JsonNode accepted = item.get("acceptedSuggestions");
    OverrideReason reason = null;
    String comment = null;
    List<String> suggestions = new ArrayList<>();
    if (outcome.equals(Feedback.ACCEPTED)) {
      if (override != null && !override.isNull()) {
        throw new InvalidHookRequest(path + ".overrideReason is only for the outcome 'overridden'");
      }
      if (accepted != null && !accepted.isNull()) {
        if (!accepted.isArray() || accepted.size() > MAX_SUGGESTIONS) {
          throw new InvalidHookRequest(
              path
                  + ".acceptedSuggestions must be an array of at most "
                  + MAX_SUGGESTIONS
                  + " objects with an id");
        }
        for (JsonNode suggestion : accepted) {
          if (!suggestion.isObject()) {
            throw new InvalidHookRequest(
                path + ".acceptedSuggestions[] must be objects with an id");
          }
          suggestions.add(bounded(string(suggestion, "id", path + ".acceptedSuggestions[]")));
        }
      }
    } else {
      if (accepted != null && !accepted.isNull() && !accepted.isEmpty()) {
        throw new InvalidHookRequest(
            path + ".acceptedSuggestions is only for the outcome 'accepted'");
      }
      if (override != null && !override.isNull()) {
        if (!override.isObject()) {
          throw new InvalidHookRequest(path + ".overrideReason must be a JSON object");
        }
        JsonNode coding = override.get("reason");
        if (coding != null && !coding.isNull()) {
          if (!coding.isObject()) {
            throw new InvalidHookRequest(path + ".overrideReason.reason must be a Coding object");
          }
          String system = string(coding, "system", path + ".overrideReason.reason");
          String code = string(coding, "code", path + ".overrideReason.reason");
          reason =
              OverrideReason.of(system, code)
                  .orElseThrow(
                      () ->
                          new InvalidHookRequest(
                              path
                                  + ".overrideReason.reason is not one of the overrideReasons this service's cards offer (system "
                                  + OverrideReason.SYSTEM
                                  + ")"));
        }
        JsonNode userComment = override.get("userComment");
        if (userComment != null && !userComment.isNull()) {
          if (!userComment.isString() || userComment.stringValue().length() > MAX_COMMENT) {
            throw new InvalidHookRequest(
                path
                    + ".overrideReason.userComment must be a string of at most "
                    + MAX_COMMENT
                    + " characters");
          }
          comment = userComment.stringValue().isBlank() ? null : userComment.stringValue();
        }
      }
    }
    return new Feedback(card, outcome, at, reason, comment, suggestions);
  }

  private static String string(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.stringValue().isBlank()) {
      throw new InvalidHookRequest(path + "." + field + " must be a non-empty string");
    }
    return value.stringValue();
  }

  /** A client's field name or id in an error or a row: at most 100 characters. */
  private static String bounded(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100);
  }
}
