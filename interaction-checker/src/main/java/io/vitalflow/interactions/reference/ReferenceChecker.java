package io.vitalflow.interactions.reference;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.NameMatcher;
import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.UnknownMedication;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The interaction rules in plain Java, read straight from the knowledge data: the reference the
 * plugin is tested against. It applies class rules by class membership at check time, where the
 * plugin uses the generator's pre-expanded pair table. Thread-safe (immutable).
 */
public final class ReferenceChecker implements InteractionChecker {

  private final KnowledgeBase kb;
  private final List<NameEntry> names;

  private record NameEntry(String[] words, long rxcui) {}

  public ReferenceChecker(KnowledgeBase kb) {
    this.kb = kb;
    List<NameEntry> entries = new ArrayList<>();
    kb.ingredients()
        .values()
        .forEach(
            i -> {
              entries.add(new NameEntry(KnowledgeBase.words(i.name()), i.rxcui()));
              i.aliases()
                  .forEach(a -> entries.add(new NameEntry(KnowledgeBase.words(a), i.rxcui())));
            });
    kb.aliases()
        .forEach(
            a ->
                a.ingredients()
                    .forEach(i -> entries.add(new NameEntry(KnowledgeBase.words(a.name()), i))));
    this.names = List.copyOf(entries);
  }

  public static ReferenceChecker load() {
    return new ReferenceChecker(KnowledgeBase.load());
  }

  @Override
  public String kbVersion() {
    return kb.version();
  }

  @Override
  public CheckResult check(List<Medication> medications) {
    if (medications.size() > MAX_MEDICATIONS) {
      throw new IllegalArgumentException("at most " + MAX_MEDICATIONS + " medications per check");
    }
    int n = medications.size();
    List<List<Long>> resolved = new ArrayList<>(n);
    boolean[] checked = new boolean[n];
    List<UnknownMedication> unknown = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Long> ingredients = resolve(medications.get(i));
      resolved.add(ingredients);
      if (ingredients.isEmpty()) {
        unknown.add(new UnknownMedication(i, medications.get(i)));
      } else {
        checked[i] =
            resolved.subList(0, i).stream().noneMatch(ingredients::equals); // first of its kind
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n && checked[i]; j++) {
        if (!checked[j]) {
          continue;
        }
        Finding best = null;
        for (long a : resolved.get(i)) {
          for (long b : resolved.get(j)) {
            Rule rule = a == b ? null : bestRule(a, b);
            if (rule != null && (best == null || better(rule, best.rule()))) {
              best =
                  new Finding(
                      i, j, medications.get(i), medications.get(j), a, b, rule, kb.version());
            }
          }
        }
        if (best != null) {
          findings.add(best);
        }
      }
    }
    return new CheckResult(findings, unknown, kb.version());
  }

  /**
   * Sorted, distinct knowledge-base ingredient RxCUIs: by code (ingredient, or a drug code of any
   * term type with at least one of them), else by name; empty if unknown.
   */
  List<Long> resolve(Medication m) {
    long code = m.rxcuiNumber();
    if (code != 0) {
      if (kb.ingredients().containsKey(code)) {
        return List.of(code);
      }
      var drug = kb.drugCodes().get(code);
      if (drug != null) {
        List<Long> known =
            drug.ingredients().stream().filter(kb.ingredients()::containsKey).toList();
        if (!known.isEmpty()) {
          return known;
        }
      }
    }
    if (m.name() == null || m.name().isEmpty()) {
      return List.of();
    }
    String[] words = KnowledgeBase.words(m.name());
    TreeSet<Long> found = new TreeSet<>();
    for (NameEntry e : names) {
      if (containsRun(words, e.words())) {
        found.add(e.rxcui());
      }
    }
    return List.copyOf(found);
  }

  private Rule bestRule(long a, long b) {
    Rule best = null;
    for (KnowledgeBase.RuleRow row : kb.rules()) {
      boolean hit =
          (covers(row.a(), a) && covers(row.b(), b)) || (covers(row.a(), b) && covers(row.b(), a));
      if (hit && (best == null || row.rule().severity().compareTo(best.severity()) > 0)) {
        best = row.rule();
      }
    }
    return best;
  }

  /** Higher severity wins, then the rule listed first. */
  private boolean better(Rule candidate, Rule current) {
    int bySeverity = candidate.severity().compareTo(current.severity());
    return bySeverity > 0 || (bySeverity == 0 && indexOf(candidate) < indexOf(current));
  }

  private int indexOf(Rule rule) {
    for (int k = 0; k < kb.rules().size(); k++) {
      if (kb.rules().get(k).rule() == rule) {
        return k;
      }
    }
    throw new IllegalStateException(rule.id());
  }

  private boolean covers(String side, long ingredient) {
    if (side.startsWith("class:")) {
      var i = kb.ingredients().get(ingredient);
      return i != null && i.classes().contains(side.substring(6));
    }
    return Long.parseLong(side) == ingredient;
  }

  private static boolean containsRun(String[] text, String[] run) {
    outer:
    for (int start = 0; start + run.length <= text.length; start++) {
      for (int k = 0; k < run.length; k++) {
        if (!text[start + k].equals(run[k])) {
          continue outer;
        }
      }
      if (!NameMatcher.negated(
          text, start, start + run.length)) { // "aspirin free", "without aspirin"
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ReferenceChecker[" + kb.version().toLowerCase(Locale.ROOT) + "]";
  }
}
