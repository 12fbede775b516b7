package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.search.InvalidSearchException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One value of a FHIR {@code date} search parameter: a prefix and the instant range [low, high) its
 * (possibly partial) date covers, e.g. {@code ge2025-03} is {@code effective >= 2025-03-01T00:00Z}.
 * Dates and date-times without a time zone are taken as UTC.
 */
record DateParameter(Prefix prefix, Instant low, Instant high) {

  /** The comparisons of a point in time (an effective instant) with the range of a search value. */
  enum Prefix {
    EQ,
    NE,
    GT,
    LT,
    GE,
    LE,
    SA,
    EB
  }

  private static final Pattern DATE =
      Pattern.compile(
          "([a-z]{2})?(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
              + "(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

  static DateParameter parse(String value) {
    Matcher m = DATE.matcher(value);
    if (!m.matches()) {
      throw new InvalidSearchException(
          "date: '"
              + abbreviate(value)
              + "' is not a FHIR date search value"
              + " (e.g. ge2025-01-31 or lt2025-01-31T12:00:00Z)");
    }
    Prefix prefix = prefix(m.group(1));
    try {
      int year = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        Instant low = LocalDate.of(year, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return new DateParameter(
            prefix, low, LocalDate.of(year + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      int month = Integer.parseInt(m.group(3));
      if (m.group(4) == null) {
        LocalDate first = LocalDate.of(year, month, 1);
        return new DateParameter(
            prefix,
            first.atStartOfDay().toInstant(ZoneOffset.UTC),
            first.plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(4)));
      if (m.group(5) == null) {
        return new DateParameter(
            prefix,
            day.atStartOfDay().toInstant(ZoneOffset.UTC),
            day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      int second = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
      String fraction = m.group(8);
      int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
      LocalTime time =
          LocalTime.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), second, nanos);
      ZoneOffset zone = m.group(9) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(9));
      Instant low = LocalDateTime.of(day, time).toInstant(zone);
      long width;
      if (m.group(7) == null) {
        width = ChronoUnit.MINUTES.getDuration().toNanos();
      } else if (fraction == null) {
        width = ChronoUnit.SECONDS.getDuration().toNanos();
      } else {
        width = (long) Math.pow(10, 9 - fraction.length());
      }
      return new DateParameter(prefix, low, low.plusNanos(width));
    } catch (DateTimeException | NumberFormatException e) {
      throw new InvalidSearchException("date: '" + abbreviate(value) + "' is not a valid date");
    }
  }

  /**
   * The SQL condition on {@code column} for this value, with {@code :<name>low} and {@code
   * :<name>high} binds.
   */
  String sql(String column, String name) {
    String low = ":" + name + "low";
    String high = ":" + name + "high";
    return switch (prefix) {
      case EQ -> "(" + column + " >= " + low + " and " + column + " < " + high + ")";
      case NE -> "(" + column + " < " + low + " or " + column + " >= " + high + ")";
      case GT, SA -> column + " >= " + high;
      case GE -> column + " >= " + low;
      case LT, EB -> column + " < " + low;
      case LE -> column + " < " + high;
    };
  }

  private static Prefix prefix(String text) {
    if (text == null) {
      return Prefix.EQ;
    }
    for (Prefix prefix : Prefix.values()) {
      if (prefix.name().equalsIgnoreCase(text)) {
        return prefix;
      }
    }
    throw new InvalidSearchException(
        "date: prefix '" + text + "' is not supported (eq, ne, gt, ge, lt, le, sa," + " eb)");
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
