package io.vitalflow.interactions;

/**
 * One interacting pair of medications: at most one finding per pair (the most severe rule), never a
 * medication with itself.
 *
 * @param first index of the first medication in the checked list ({@code first < second})
 * @param second index of the second medication
 * @param firstIngredient RxCUI of the ingredient of {@code first} that triggered the rule
 * @param secondIngredient RxCUI of the ingredient of {@code second} that triggered the rule
 * @param kbVersion version of the knowledge base that produced the finding
 */
public record Finding(
    int first,
    int second,
    Medication firstMedication,
    Medication secondMedication,
    long firstIngredient,
    long secondIngredient,
    Rule rule,
    String kbVersion) {

  public Severity severity() {
    return rule.severity();
  }
}
