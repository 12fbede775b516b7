package io.vitalflow.fhir.cds;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.Severity;
import io.vitalflow.interactions.UnknownMedication;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Turns a check of the hook's medication list into cards: one card per interacting pair that
 * involves a draft order (for order-select: a selected draft order), and one info card listing the
 * medications the knowledge base does not know.
 */
final class InteractionCards {

  static final int MAX_SUMMARY = 139;
  static final String RULE_SYSTEM = "https://vitalflow.io/fhir/CodeSystem/interaction-rule";

  private InteractionCards() {}

  static List<Card> cards(
      HookRequest request, List<OrderedMedication> checked, CheckResult result) {
    List<Card> cards = new ArrayList<>();
    String sourceLabel = "VitalFlow drug-interaction knowledge base " + result.kbVersion();
    for (Finding finding : result.findings()) {
      OrderedMedication first = checked.get(finding.first());
      OrderedMedication second = checked.get(finding.second());
      if (relevant(request, first) || relevant(request, second)) {
        cards.add(interaction(request, first, second, finding.rule(), sourceLabel));
      }
    }
    if (!result.unknown().isEmpty()) {
      cards.add(unknown(checked, result.unknown(), sourceLabel));
    }
    return cards;
  }

  /**
   * A medication the clinician acts on now: any draft order for order-sign, a selected one for
   * order-select.
   */
  private static boolean relevant(HookRequest request, OrderedMedication medication) {
    if (!medication.draft()) {
      return false;
    }
    return request.selections().isEmpty() || request.selections().contains(medication.reference());
  }

  static String indicator(Severity severity) {
    return switch (severity) {
      case CONTRAINDICATED, MAJOR -> "critical";
      case MODERATE -> "warning";
    };
  }

  private static String severityText(Severity severity) {
    return switch (severity) {
      case CONTRAINDICATED -> "Contraindicated combination";
      case MAJOR -> "Major interaction";
      case MODERATE -> "Moderate interaction";
    };
  }

  private static Card interaction(
      HookRequest request,
      OrderedMedication first,
      OrderedMedication second,
      Rule rule,
      String sourceLabel) {
    String prefix = severityText(rule.severity()) + ": ";
    int room = (MAX_SUMMARY - prefix.length() - 3) / 2;
    String summary = prefix + shorten(first.label(), room) + " + " + shorten(second.label(), room);
    String detail =
        "**"
            + severityText(rule.severity())
            + "** between **"
            + markdown(first.label())
            + "** ("
            + first.origin().text()
            + ") and **"
            + markdown(second.label())
            + "** ("
            + second.origin().text()
            + ").\n\n"
            + "**Mechanism:** "
            + markdown(rule.mechanism())
            + "\n\n"
            + "**Clinical effect:** "
            + markdown(rule.effect())
            + "\n\n"
            + "**Management:** "
            + markdown(rule.management())
            + "\n\n"
            + "Rule `"
            + rule.id()
            + "`. Source: "
            + markdown(rule.source())
            + "\n\n"
            + "_Decision support, not a substitute for a pharmacist's review._";
    List<Card.Suggestion> suggestions = removals(request, first, second, rule);
    return new Card(
        UUID.randomUUID().toString(),
        summary,
        detail,
        indicator(rule.severity()),
        new Card.Source(sourceLabel, new Card.Topic(RULE_SYSTEM, rule.id(), rule.source())),
        suggestions,
        suggestions.isEmpty() ? null : "at-most-one",
        OverrideReason.CODINGS);
  }

  /**
   * Removing a draft order is offered only when the rule's management advice says not to use the
   * pair at all ("Do not combine", "Avoid"): then dropping one of the two is what the advice
   * amounts to. Rules that advise monitoring or a dose change get no suggestion. Active medications
   * are never offered for removal.
   */
  static boolean adviceIsToAvoid(Rule rule) {
    String advice = rule.management().strip().toLowerCase(Locale.ROOT);
    return advice.startsWith("do not combine") || advice.startsWith("avoid");
  }

  private static List<Card.Suggestion> removals(
      HookRequest request, OrderedMedication first, OrderedMedication second, Rule rule) {
    if (!adviceIsToAvoid(rule)) {
      return List.of();
    }
    List<Card.Suggestion> result = new ArrayList<>();
    for (OrderedMedication medication :
        relevant(request, second) && !relevant(request, first)
            ? List.of(second, first)
            : List.of(first, second)) {
      if (medication.draft() && medication.reference() != null) {
        String label = "Remove the draft order for " + shorten(medication.label(), 80);
        result.add(
            new Card.Suggestion(
                label,
                UUID.randomUUID().toString(),
                List.of(new Card.Action("delete", label, medication.reference()))));
      }
    }
    return result;
  }

  private static Card unknown(
      List<OrderedMedication> checked, List<UnknownMedication> unknown, String sourceLabel) {
    StringBuilder detail =
        new StringBuilder(
            "These medications are not in the interaction knowledge base (neither the RxNorm code nor the name"
                + " matched), so their interactions were **not checked**:\n\n");
    for (UnknownMedication u : unknown) {
      OrderedMedication medication = checked.get(u.index());
      detail
          .append("- ")
          .append(markdown(medication.label()))
          .append(" (")
          .append(medication.origin().text())
          .append(")\n");
    }
    detail.append("\nReview them for interactions by other means.");
    String summary =
        unknown.size() == 1
            ? "Not checked for interactions: "
                + shorten(checked.get(unknown.get(0).index()).label(), MAX_SUMMARY - 31)
            : unknown.size() + " medications could not be checked for interactions";
    return new Card(
        UUID.randomUUID().toString(),
        summary,
        detail.toString(),
        "info",
        new Card.Source(sourceLabel, null),
        List.of(),
        null,
        List.of());
  }

  static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "\u2026";
  }

  /** Escapes the characters GitHub-flavoured Markdown would interpret in free text. */
  static String markdown(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\`*_[]<>#|~".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c == '\n' || c == '\r' ? ' ' : c);
    }
    return out.toString();
  }
}
