package io.vitalflow.fhir.search;

import java.math.BigDecimal;
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
 * @param numbers decimal and integer values
 * @param quantities quantities, with their UCUM-normalised form when there is one
 * @param uris uri, url and canonical values
 * @param composites pairs of component values of composite parameters
 */
public record IndexEntries(
    List<Token> tokens,
    List<Text> strings,
    List<DateRange> dates,
    List<Reference> references,
    List<Number> numbers,
    List<Quantity> quantities,
    List<Uri> uris,
    List<Composite> composites) {

  public static final IndexEntries EMPTY =
      new IndexEntries(List.of(), List.of(), List.of(), List.of());

  public IndexEntries {
    tokens = List.copyOf(tokens);
    strings = List.copyOf(strings);
    dates = List.copyOf(dates);
    references = List.copyOf(references);
    numbers = List.copyOf(numbers);
    quantities = List.copyOf(quantities);
    uris = List.copyOf(uris);
    composites = List.copyOf(composites);
  }

  /** Entries of the four original kinds only. */
  public IndexEntries(
      List<Token> tokens, List<Text> strings, List<DateRange> dates, List<Reference> references) {
    this(tokens, strings, dates, references, List.of(), List.of(), List.of(), List.of());
  }

  /** The number of rows these entries make. */
  public int size() {
    return tokens.size()
        + strings.size()
        + dates.size()
        + references.size()
        + numbers.size()
        + quantities.size()
        + uris.size()
        + composites.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** A decimal or integer value. */
  public record Number(String param, BigDecimal value) {
    public Number {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A quantity: {@code system} and {@code code} may be null; {@code canonicalCode} and {@code
   * canonicalValue} are the UCUM base unit and value ({@link Ucum}), null when the unit is not one
   * that is normalised.
   */
  public record Quantity(
      String param,
      BigDecimal value,
      String system,
      String code,
      String canonicalCode,
      BigDecimal canonicalValue) {
    public Quantity {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(value, "value");
      system = IndexedValues.truncate(system);
      code = IndexedValues.truncate(code);
    }
  }

  /** A uri, url or canonical (truncated to {@link IndexedValues#MAX_LENGTH}). */
  public record Uri(String param, String uri) {
    public Uri {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(uri, "uri");
      uri = IndexedValues.truncate(uri);
    }
  }

  /**
   * A composite value: the first component is a token ({@code system1}, {@code code1}); the second
   * is a token or string ({@code system2}, {@code code2}: code, or normalised string), a number or
   * quantity ({@code value2}, with {@code system2}/{@code code2} the unit) or a date range ({@code
   * low2}, {@code high2}).
   */
  public record Composite(
      String param,
      String system1,
      String code1,
      String system2,
      String code2,
      BigDecimal value2,
      Instant low2,
      Instant high2) {
    public Composite {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(code1, "code1");
      system1 = IndexedValues.truncate(system1);
      code1 = IndexedValues.truncate(code1);
      system2 = IndexedValues.truncate(system2);
      code2 = IndexedValues.truncate(code2);
    }
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
