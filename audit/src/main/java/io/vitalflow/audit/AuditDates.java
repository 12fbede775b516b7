package io.vitalflow.audit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FHIR date search values ({@code YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD}, {@code
 * YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]}) as the half-open instant range they cover; without a time
 * zone, UTC. The same reading as fhir-api's, written again here so the audit module does not depend
 * on the FHIR server.
 */
final class AuditDates {

  private static final Pattern DATE =
      Pattern.compile(
          "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

  private AuditDates() {}

  /** {@code [low, high)}. */
  record Range(Instant low, Instant high) {}

  /**
   * @throws InvalidAuditQueryException when {@code value} is not a FHIR date
   */
  static Range parse(String value) {
    Matcher m = DATE.matcher(value);
    if (!m.matches()) {
      throw invalid();
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        LocalDate start = LocalDate.of(year, 1, 1);
        return days(start, start.plusYears(1));
      }
      int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        LocalDate start = LocalDate.of(year, month, 1);
        return days(start, start.plusMonths(1));
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return days(day, day.plusDays(1));
      }
      ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      int seconds = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      Instant start =
          LocalDateTime.of(
                  day,
                  java.time.LocalTime.of(
                      Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), seconds))
              .toInstant(offset);
      if (m.group(7) != null) {
        String fraction = (m.group(7) + "000000000").substring(0, 9);
        Instant point = start.plusNanos(Long.parseLong(fraction));
        return new Range(point, point.plusMillis(1));
      }
      return new Range(start, start.plusSeconds(m.group(6) == null ? 60 : 1));
    } catch (DateTimeException e) {
      throw invalid();
    }
  }

  private static Range days(LocalDate from, LocalDate to) {
    return new Range(
        from.atStartOfDay().toInstant(ZoneOffset.UTC), to.atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  private static InvalidAuditQueryException invalid() {
    return new InvalidAuditQueryException(
        "date: expected [eq|ge|gt|le|lt]YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]");
  }
}
