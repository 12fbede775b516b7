package io.vitalflow.fhir.search;

import io.vitalflow.schemas.FhirDates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FHIR search parameter syntax (R4 3.1.1), apart from what a parameter means in SQL ({@link
 * SearchQuery}): a parameter's name and {@code :modifier}, comma-separated alternatives and their
 * escapes ({@code \,} {@code \|} {@code \$} {@code \\}), token {@code system|code}, date prefixes
 * ({@code eq}, {@code ge}, ... {@code ap}), {@code _sort} keys, {@code _include} specs and {@code
 * _total}. Malformed values are an {@link InvalidSearchException} whose message names the parameter
 * and the expected form.
 */
final class SearchSyntax {

  private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
  private static final Pattern PREFIX = Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\\d.*)");
  private static final int MAX_VALUES = 100;

  private SearchSyntax() {}

  /**
   * A parameter name as sent, {@code name[:modifier]}; {@code modifier} null when there is none.
   */
  record Name(String name, String modifier) {}

  /**
   * A token value: {@code code}, {@code system|code}, {@code system|} or {@code |code}; system null
   * without a bar.
   */
  record Token(String system, String code) {}

  /** A date value: its prefix ({@code eq} when none) and the range the date covers. */
  record DateValue(String prefix, FhirDates.Range range) {}

  /** A number value: its prefix ({@code eq} when none) and the number. */
  record NumberValue(String prefix, java.math.BigDecimal value) {}

  /**
   * A quantity value {@code [prefix]number[|system|code]}; system and code null when absent, empty
   * when left empty ({@code 5||mg}).
   */
  record QuantityValue(String prefix, java.math.BigDecimal value, String system, String code) {}

  private static final Pattern NUMBER =
      Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?([-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)");

  static NumberValue number(String name, String value) {
    Matcher matcher = NUMBER.matcher(value);
    if (!matcher.matches()) {
      throw new InvalidSearchException(
          "'"
              + name
              + "="
              + value
              + "': a number value is an optional prefix (eq, ne, gt, lt, ge, le, sa, eb, ap)"
              + " followed by a decimal number such as 100 or 5.4");
    }
    return new NumberValue(
        matcher.group(1) == null ? "eq" : matcher.group(1),
        new java.math.BigDecimal(matcher.group(2)));
  }

  static QuantityValue quantity(String name, String value) {
    int bar = indexOfUnescaped(value, '|');
    String number = bar < 0 ? value : value.substring(0, bar);
    NumberValue parsed;
    try {
      parsed = number(name, number);
    } catch (InvalidSearchException e) {
      throw new InvalidSearchException(
          "'"
              + name
              + "="
              + value
              + "': a quantity value is [prefix]number[|system|code], e.g. gt5.4|http://unitsofmeasure.org|mg");
    }
    if (bar < 0) {
      return new QuantityValue(parsed.prefix(), parsed.value(), null, null);
    }
    String rest = value.substring(bar + 1);
    int second = indexOfUnescaped(rest, '|');
    if (second < 0) {
      throw new InvalidSearchException(
          "'" + name + "=" + value + "': expected number|system|code (system may be empty)");
    }
    return new QuantityValue(
        parsed.prefix(),
        parsed.value(),
        unescape(rest.substring(0, second)),
        unescape(rest.substring(second + 1)));
  }

  /** One key of {@code _sort}: a parameter name, {@code -} for descending. */
  record SortKey(String name, boolean descending) {}

  /**
   * One {@code _include} spec, {@code SourceType:parameter[:TargetType]}; {@code targetType} null
   * when absent.
   */
  record IncludeSpec(String sourceType, String parameter, String targetType) {}

  static Name name(String rawName) {
    int colon = rawName.indexOf(':');
    return colon < 0
        ? new Name(rawName, null)
        : new Name(rawName.substring(0, colon), rawName.substring(colon + 1));
  }

  static boolean isResourceType(String text) {
    return RESOURCE_TYPE.matcher(text).matches();
  }

  static void noModifier(String name, String modifier) {
    if (modifier != null) {
      throw new InvalidSearchException(
          "Modifier ':" + modifier + "' is not supported on '" + name + "'");
    }
  }

  /**
   * The comma-separated alternatives of one value, empty ones dropped, escapes kept for the caller.
   */
  static List<String> orValues(String name, String value) {
    List<String> values = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || (value.charAt(i) == ',' && !escaped(value, i))) {
        String part = value.substring(start, i);
        if (!part.isEmpty()) {
          values.add(part);
        }
        start = i + 1;
      }
    }
    if (values.size() > MAX_VALUES) {
      throw new InvalidSearchException(
          "'" + name + "' has more than " + MAX_VALUES + " alternative values");
    }
    return values;
  }

  /** One alternative of a token parameter, unescaped. */
  static Token token(String name, String alternative) {
    int bar = indexOfUnescaped(alternative, '|');
    if (bar < 0) {
      return new Token(null, unescape(alternative));
    }
    String system = unescape(alternative.substring(0, bar));
    String code = unescape(alternative.substring(bar + 1));
    if (system.isEmpty() && code.isEmpty()) {
      throw new InvalidSearchException("'" + name + "=|' needs a system or a code");
    }
    return new Token(system, code);
  }

  /**
   * One alternative of {@code identifier:of-type=system|code|value}: the identifier's type coding
   * and its value, all three required.
   *
   * @return {type system, type code, value}
   */
  static String[] ofType(String name, String alternative) {
    int first = indexOfUnescaped(alternative, '|');
    int second = first < 0 ? -1 : indexOfUnescaped(alternative.substring(first + 1), '|');
    if (second < 0) {
      throw new InvalidSearchException(
          "'"
              + name
              + ":of-type="
              + alternative
              + "': expected [type system]|[type code]|[identifier value]");
    }
    second += first + 1;
    String[] parts = {
      unescape(alternative.substring(0, first)),
      unescape(alternative.substring(first + 1, second)),
      unescape(alternative.substring(second + 1))
    };
    if (parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new InvalidSearchException(
          "'" + name + ":of-type=" + alternative + "': the type code and the value are required");
    }
    return parts;
  }

  /** One alternative of a date parameter. */
  static DateValue date(String name, String value) {
    Matcher matcher = PREFIX.matcher(value);
    if (!matcher.matches()) {
      throw new InvalidSearchException(
          "'"
              + name
              + "="
              + value
              + "': a date value is an optional prefix"
              + " (eq, ne, gt, lt, ge, le, sa, eb, ap) followed by a date such as 2020, 2020-05, 2020-05-01 or"
              + " 2020-05-01T10:00:00Z");
    }
    String prefix = matcher.group(1) == null ? "eq" : matcher.group(1);
    try {
      return new DateValue(prefix, FhirDates.parse(matcher.group(2)));
    } catch (IllegalArgumentException e) {
      throw new InvalidSearchException("'" + name + "=" + value + "': " + e.getMessage());
    }
  }

  /** The keys of a {@code _sort} value, in order; empty keys dropped. */
  static List<SortKey> sort(String value) {
    List<SortKey> keys = new ArrayList<>();
    for (String key : value.split(",")) {
      String trimmed = key.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      boolean descending = trimmed.startsWith("-");
      keys.add(new SortKey(descending ? trimmed.substring(1) : trimmed, descending));
    }
    return keys;
  }

  /**
   * The specs of an {@code _include} value, blank ones dropped (each is parsed by {@link
   * #include}).
   */
  static List<String> includeSpecs(String value) {
    List<String> specs = new ArrayList<>();
    for (String spec : value.split(",")) {
      if (!spec.isBlank()) {
        specs.add(spec);
      }
    }
    return specs;
  }

  static IncludeSpec include(String spec) {
    String[] parts = spec.trim().split(":", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new InvalidSearchException(
          "'_include=" + spec + "': expected SourceType:parameter[:TargetType]");
    }
    return new IncludeSpec(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  static SearchQuery.TotalMode total(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> SearchQuery.TotalMode.NONE;
      case "estimate" -> SearchQuery.TotalMode.ESTIMATE;
      case "accurate" -> SearchQuery.TotalMode.ACCURATE;
      default ->
          throw new InvalidSearchException(
              "'_total=" + value + "': expected none, estimate or accurate");
    };
  }

  /** Removes FHIR search escapes: {@code \,} {@code \|} {@code \$} {@code \\}. */
  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean escaped(String value, int index) {
    int backslashes = 0;
    for (int i = index - 1; i >= 0 && value.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static int indexOfUnescaped(String value, char c) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == c && !escaped(value, i)) {
        return i;
      }
    }
    return -1;
  }
}
