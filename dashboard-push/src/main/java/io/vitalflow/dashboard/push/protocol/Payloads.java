package io.vitalflow.dashboard.push.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the protocol (see docs/dashboard-protocol.md). Times are ISO-8601 UTC strings.
 */
public final class Payloads {

  /** Fixed-width ISO-8601 UTC with milliseconds, so that times compare as strings. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Payloads() {}

  public static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  public record VitalValue(
      String code, double value, String unit, String effectiveTime, String deviceId) {}

  public record AggregateValue(
      String code,
      String unit,
      String windowStart,
      String windowEnd,
      long count,
      double min,
      double max,
      double mean,
      double last,
      String lastTime) {}

  public record News2Value(
      int score,
      String band,
      String previousBand,
      boolean complete,
      Map<String, Integer> components,
      String computedAt) {}

  public record AlertValue(
      String alertId,
      String kind,
      String severity,
      String raisedAt,
      String title,
      Integer news2Score,
      String band,
      String previousBand,
      Map<String, String> attributes,
      boolean acknowledged,
      String acknowledgedAt,
      String acknowledgedBy) {

    public AlertValue acknowledge(String at, String by) {
      return new AlertValue(
          alertId,
          kind,
          severity,
          raisedAt,
          title,
          news2Score,
          band,
          previousBand,
          attributes,
          true,
          at,
          by);
    }
  }

  public record AckValue(String alertId, String acknowledgedAt, String acknowledgedBy) {}

  /** Everything the service knows of one patient, for a snapshot. */
  public record PatientSnapshot(
      String patientId,
      String ward,
      List<VitalValue> vitals,
      List<AggregateValue> aggregates,
      News2Value news2,
      List<AlertValue> alerts) {}
}
