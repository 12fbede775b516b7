package io.vitalflow.fhir.cds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.cds.OrderedMedication.Origin;
import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.WasmInteractionChecker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Card texts for every rule of the shipped knowledge base. */
class InteractionCardsTest {

  private static WasmInteractionChecker checker;
  private static Map<String, Rule> rules;

  @BeforeAll
  static void start() {
    checker = WasmInteractionChecker.shipped();
    rules = checker.rules().stream().collect(Collectors.toMap(Rule::id, Function.identity()));
  }

  @AfterAll
  static void stop() {
    checker.close();
  }

  private static Card card(Rule rule, String firstName, String secondName) {
    List<OrderedMedication> checked =
        List.of(
            new OrderedMedication(
                Origin.DRAFT_ORDER, "MedicationRequest/a", firstName, Medication.named(firstName)),
            new OrderedMedication(
                Origin.ACTIVE_MEDICATION,
                "MedicationRequest/b",
                secondName,
                Medication.named(secondName)));
    HookRequest request =
        new HookRequest(
            "order-sign", "h", "p", checked.subList(0, 1), Set.of(), checked.subList(1, 2), true);
    Finding finding =
        new Finding(
            0,
            1,
            checked.get(0).medication(),
            checked.get(1).medication(),
            1,
            2,
            rule,
            checker.kbVersion());
    List<Card> cards =
        InteractionCards.cards(
            request, checked, new CheckResult(List.of(finding), List.of(), checker.kbVersion()));
    assertThat(cards).hasSize(1);
    return cards.get(0);
  }

  @Test
  void everyRuleGivesAShortSummaryWithBothNamesAndTheFullAdvice() {
    String longFirst = "warfarin sodium 5 MG Oral Tablet " + "x".repeat(200);
    String longSecond = "ibuprofen 200 MG Oral Tablet " + "y".repeat(200);
    assertThat(rules).hasSizeGreaterThan(20);
    for (Rule rule : rules.values()) {
      Card card = card(rule, longFirst, longSecond);
      assertThat(card.summary()).hasSizeLessThan(140).contains("warfarin sodium", "ibuprofen 200");
      assertThat(card.detail()).contains(InteractionCards.markdown(rule.management()), rule.id());
      assertThat(card.indicator()).isIn("critical", "warning");
      assertThat(card.source().topic().code()).isEqualTo(rule.id());
    }
  }

  @Test
  void removalIsSuggestedOnlyWhenTheAdviceIsToAvoidThePairAndOnlyForTheDraft() {
    Card avoid = card(rules.get("WARF-NSAID"), "warfarin", "ibuprofen");
    assertThat(avoid.suggestions())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.actions())
                    .singleElement()
                    .isEqualTo(
                        new Card.Action(
                            "delete",
                            "Remove the draft order for warfarin",
                            "MedicationRequest/a")));
    assertThat(avoid.selectionBehavior()).isEqualTo("at-most-one");
    assertThat(card(rules.get("ONC-04-SSRI-MAOI"), "fluoxetine", "phenelzine").suggestions())
        .hasSize(1);
    for (String monitorOnly :
        List.of("WARF-ASPIRIN", "WARF-FLUOROQUINOLONE", "WARF-MACROLIDE", "WARF-AMIODARONE")) {
      Card card = card(rules.get(monitorOnly), "warfarin", "other");
      assertThat(card.suggestions()).as(monitorOnly).isEmpty();
      assertThat(card.selectionBehavior()).as(monitorOnly).isNull();
    }
  }

  @Test
  void namesAreEscapedInMarkdown() {
    Card card = card(rules.get("WARF-NSAID"), "warfarin *bold* [link](x)", "ibuprofen");
    assertThat(card.detail()).contains("warfarin \\*bold\\* \\[link\\](x)");
  }
}
