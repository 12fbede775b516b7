package io.vitalflow.processor.news2;

import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.RiskBand;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The {@link AlertKind#NEWS2_BAND_CHANGE} alert for a NEWS2 update. */
final class BandChangeAlerts {

  private BandChangeAlerts() {}

  static Alert of(News2Update update) {
    News2Score score = update.score();
    RiskBand band = score.getBand();
    RiskBand previous = update.previousBand();
    Map<String, String> attributes = new TreeMap<>();
    score
        .getComponents()
        .forEach(
            (parameter, points) ->
                attributes.put("component." + parameter, Integer.toString(points)));
    attributes.put("complete", Boolean.toString(score.getComplete()));
    return Alert.newBuilder()
        .setAlertId(alertId(score))
        .setPatientId(score.getPatientId())
        .setKind(AlertKind.NEWS2_BAND_CHANGE)
        .setSeverity(severity(band))
        .setRaisedAt(score.getComputedAt())
        .setTitle(title(band, previous, score.getScore()))
        .setNews2Score(score.getScore())
        .setBand(band)
        .setPreviousBand(previous)
        .setDetectedIssue(null)
        .setAttributes(attributes)
        .build();
  }

  /**
   * Same patient, time and band give the same id, so reprocessing the same readings does not mint a
   * new one.
   */
  static String alertId(News2Score score) {
    String name =
        "NEWS2_BAND_CHANGE|"
            + score.getPatientId()
            + '|'
            + score.getComputedAt().toEpochMilli()
            + '|'
            + score.getBand();
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** LOW: info, LOW_MEDIUM: low, MEDIUM: moderate, HIGH: high. */
  static AlertSeverity severity(RiskBand band) {
    return switch (band) {
      case LOW -> AlertSeverity.INFO;
      case LOW_MEDIUM -> AlertSeverity.LOW;
      case MEDIUM -> AlertSeverity.MODERATE;
      case HIGH -> AlertSeverity.HIGH;
    };
  }

  /** Dashboard text; never a patient identifier. */
  static String title(RiskBand band, RiskBand previous, int score) {
    String label = label(band) + " (score " + score + ")";
    if (previous == null) {
      return "NEWS2 clinical risk " + label;
    }
    String direction = band.ordinal() > previous.ordinal() ? "rose" : "fell";
    return "NEWS2 clinical risk " + direction + " from " + label(previous) + " to " + label;
  }

  private static String label(RiskBand band) {
    return switch (band) {
      case LOW -> "low";
      case LOW_MEDIUM -> "low-medium";
      case MEDIUM -> "medium";
      case HIGH -> "high";
    };
  }
}
