package io.vitalflow.interactions;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds ingredient names, brand names, abbreviations and synonyms in free text by whole terms: a
 * term matches when its words (runs of ASCII letters, lower-cased) occur consecutively in the text,
 * and the occurrence is not negated ({@link #negated}). Immutable; lookups go through a map from a
 * term's first word, so the cost grows with the words of the text, not the number of terms.
 */
public final class NameMatcher {

  /**
   * Words that negate the term right after them: "without aspirin", "non-aspirin", "no aspirin".
   */
  static final Set<String> NEGATING_BEFORE = Set.of("without", "no", "non", "excluding", "sans");

  private record Term(String[] words, int[] ingredients) {}

  private final Map<String, Term[]> byFirstWord;

  /**
   * @param texts term texts
   * @param ingredients the ingredient ordinals each term stands for (same order)
   */
  NameMatcher(String[] texts, int[][] ingredients) {
    Map<String, List<Term>> map = new HashMap<>();
    for (int t = 0; t < texts.length; t++) {
      String[] words = KnowledgeBase.words(texts[t]);
      if (words.length > 0) {
        List<Term> list = map.get(words[0]);
        if (list == null) {
          list = new ArrayList<>(1);
          map.put(words[0], list);
        }
        list.add(new Term(words, ingredients[t]));
      }
    }
    Map<String, Term[]> out = new HashMap<>();
    for (Map.Entry<String, List<Term>> e : map.entrySet()) {
      out.put(e.getKey(), e.getValue().toArray(new Term[0]));
    }
    this.byFirstWord = out;
  }

  /**
   * True when the occurrence {@code words[start..end)} is negated: followed by "free" ("aspirin
   * free", "aspirin-free"), preceded by a word of {@link #NEGATING_BEFORE}, or preceded by "free
   * of" / "free from".
   */
  public static boolean negated(String[] words, int start, int end) {
    if (end < words.length && words[end].equals("free")) {
      return true;
    }
    if (start >= 1 && NEGATING_BEFORE.contains(words[start - 1])) {
      return true;
    }
    return start >= 2
        && words[start - 2].equals("free")
        && (words[start - 1].equals("of") || words[start - 1].equals("from"));
  }

  /** Sorted, distinct ingredient ordinals named in {@code text}; empty when none. */
  int[] match(String text) {
    String[] words = KnowledgeBase.words(text);
    int[] found = new int[4];
    int count = 0;
    for (int start = 0; start < words.length; start++) {
      Term[] candidates = byFirstWord.get(words[start]);
      if (candidates == null) {
        continue;
      }
      for (Term t : candidates) {
        int end = start + t.words().length;
        if (end > words.length
            || !matchesAt(words, start, t.words())
            || negated(words, start, end)) {
          continue;
        }
        for (int i : t.ingredients()) {
          if (count == found.length) {
            found = Arrays.copyOf(found, count * 2);
          }
          found[count++] = i;
        }
      }
    }
    if (count == 0) {
      return new int[0];
    }
    Arrays.sort(found, 0, count);
    int distinct = 0;
    for (int k = 0; k < count; k++) {
      if (k == 0 || found[k] != found[k - 1]) {
        found[distinct++] = found[k];
      }
    }
    return Arrays.copyOf(found, distinct);
  }

  private static boolean matchesAt(String[] words, int start, String[] term) {
    for (int k = 1; k < term.length; k++) {
      if (!words[start + k].equals(term[k])) {
        return false;
      }
    }
    return true;
  }

  int terms() {
    int n = 0;
    for (Term[] t : byFirstWord.values()) {
      n += t.length;
    }
    return n;
  }
}
