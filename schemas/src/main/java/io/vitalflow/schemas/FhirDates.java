package io.vitalflow.schemas;

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
 * The instant range a FHIR date, dateTime or instant covers, from its precision: {@code 1970}
 * covers {@code [1970-01-01T00:00:00Z, 1970-12-31T23:59:59.999Z]}. Values without time zone are
 * read as UTC. A value with fractional seconds is a point. Shared by the FHIR search index and the
 * audit trail's date searches.
 */
public final class FhirDates {

  /**
   * Bounds for open period ends: PostgreSQL timestamptz holds them, and no real date lies outside.
   */
  public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");

  public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

  private static final Pattern DATE =
      Pattern.compile(
          "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");
  private static final long ONE_MILLI = 1;

  private FhirDates() {}

  /** A closed range {@code [low, high]}. */
  public record Range(Instant low, Instant high) {}

  /**
   * @throws IllegalArgumentException with a message naming the expected format when {@code value}
   *     is not a FHIR date, dateTime or instant
   */
  public static Range parse(String value) {
    Matcher m = DATE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not a FHIR date: expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (year == 0) {
        throw new DateTimeException("year 0000");
      }
      if (m.group(2) == null) {
        LocalDate start = LocalDate.of(year, 1, 1);
        return dayRange(start, start.plusYears(1));
      }
      int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        LocalDate start = LocalDate.of(year, month, 1);
        return dayRange(start, start.plusMonths(1));
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return dayRange(day, day.plusDays(1));
      }
      ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      LocalTime time;
      ChronoUnit unit;
      if (m.group(6) == null) {
        time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        unit = ChronoUnit.MINUTES;
      } else {
        time =
            LocalTime.of(
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)));
        unit = ChronoUnit.SECONDS;
      }
      Instant low = LocalDateTime.of(day, time).toInstant(offset);
      if (m.group(7) != null) {
        String fraction = (m.group(7) + "000000").substring(0, 6);
        Instant point = low.plus(Long.parseLong(fraction), ChronoUnit.MICROS);
        return new Range(point, point);
      }
      return new Range(low, low.plus(1, unit).minusMillis(ONE_MILLI));
    } catch (DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a valid date: " + e.getMessage(), e);
    }
  }

  private static Range dayRange(LocalDate start, LocalDate endExclusive) {
    return new Range(
        start.atStartOfDay().toInstant(ZoneOffset.UTC),
        endExclusive.atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(ONE_MILLI));
  }
}
