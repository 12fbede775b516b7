package io.vitalflow.fhir.search;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The search index rows of one resource version. Every text value that lands in an indexed column
 * (codes, systems, strings, reference targets) is cut to {@link IndexedValues#MAX_LENGTH}
 * characters here, when the entry is made, so no writer can produce a row the database cannot
 * index.
 *
 * @param tokens coded values and identifiers
 * @param strings names and other text, normalised
 * @param dates the instant ranges dates and periods cover
 * @param references references to other resources, resolved to type and id
 */
public record IndexEntries(
    List<Token> tokens, List<Text> strings, List<DateRange> dates, List<Reference> references) {

  public static final IndexEntries EMPTY =
      new IndexEntries(List.of(), List.of(), List.of(), List.of());

  public IndexEntries {
    tokens = List.copyOf(tokens);
    strings = List.copyOf(strings);
    dates = List.copyOf(dates);
    references = List.copyOf(references);
  }

  public boolean isEmpty() {
    return tokens.isEmpty() && strings.isEmpty() && dates.isEmpty() && references.isEmpty();
  }

  /**
   * A token: {@code system} is null when the element has none (e.g. a coding without system).
   * System and code are truncated to {@link IndexedValues#MAX_LENGTH}.
   */
  public record Token(String param, String system, String code) {
    public Token {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(code, "code");
      system = IndexedValues.truncate(system);
      code = IndexedValues.truncate(code);
    }
  }

  /**
   * A string value.
   *
   * @param value lower case, accents removed: what default and {@code :contains} searches compare
   * @param exact as written in the resource: what {@code :exact} searches compare (both truncated
   *     to {@link IndexedValues#MAX_LENGTH}, after normalising)
   */
  public record Text(String param, String value, String exact) {
    public Text {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(exact, "exact");
      value = IndexedValues.truncate(value);
      exact = IndexedValues.truncate(exact);
    }
  }

  /** The closed instant range {@code [low, high]} a date, dateTime, instant or period covers. */
  public record DateRange(String param, Instant low, Instant high) {
    public DateRange {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
      if (high.isBefore(low)) {
        throw new IllegalArgumentException("high before low: " + low + " > " + high);
      }
    }
  }

  /**
   * A reference to {@code targetType/targetId} (both truncated to {@link
   * IndexedValues#MAX_LENGTH}).
   */
  public record Reference(String param, String targetType, String targetId) {
    public Reference {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(targetType, "targetType");
      Objects.requireNonNull(targetId, "targetId");
      targetType = IndexedValues.truncate(targetType);
      targetId = IndexedValues.truncate(targetId);
    }
  }
}
