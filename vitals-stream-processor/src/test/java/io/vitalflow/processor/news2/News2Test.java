package io.vitalflow.processor.news2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.processor.news2.News2.AirOrOxygen;
import io.vitalflow.processor.news2.News2.Consciousness;
import io.vitalflow.processor.news2.News2.Observations;
import io.vitalflow.processor.news2.News2.Result;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.RiskBand;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every boundary of the RCP NEWS2 chart (2017), then whole patients scored by hand against the
 * chart.
 */
class News2Test {

  @ParameterizedTest(name = "respiration rate {0}/min scores {1}")
  @CsvSource({
    "0,3", "8,3", "9,1", "11,1", "12,0", "20,0", "21,2", "24,2", "25,3", "60,3", "8.4,3", "8.5,1",
    "20.4,0", "20.5,2"
  })
  void respirationRate(double perMinute, int score) {
    assertThat(News2.respirationRateScore(perMinute)).isEqualTo(score);
  }

  @ParameterizedTest(name = "SpO2 {0}% scores {1} on scale 1")
  @CsvSource({
    "70,3", "91,3", "92,2", "93,2", "94,1", "95,1", "96,0", "100,0", "91.4,3", "91.5,2", "95.5,0"
  })
  void spo2Scale1(double percent, int score) {
    assertThat(News2.spo2Scale1Score(percent)).isEqualTo(score);
  }

  @ParameterizedTest(name = "systolic {0} mmHg scores {1}")
  @CsvSource({
    "50,3", "90,3", "91,2", "100,2", "101,1", "110,1", "111,0", "219,0", "220,3", "260,3"
  })
  void systolicBloodPressure(double mmHg, int score) {
    assertThat(News2.systolicBpScore(mmHg)).isEqualTo(score);
  }

  @ParameterizedTest(name = "pulse {0}/min scores {1}")
  @CsvSource({
    "20,3", "40,3", "41,1", "50,1", "51,0", "90,0", "91,1", "110,1", "111,2", "130,2", "131,3",
    "200,3"
  })
  void pulse(double perMinute, int score) {
    assertThat(News2.pulseScore(perMinute)).isEqualTo(score);
  }

  @ParameterizedTest(name = "temperature {0} °C scores {1}")
  @CsvSource({
    "30.0,3", "35.0,3", "35.1,1", "36.0,1", "36.1,0", "38.0,0", "38.1,1", "39.0,1", "39.1,2",
    "42.0,2", "35.04,3", "35.05,1", "36.05,0", "38.05,1", "39.05,2"
  })
  void temperature(double celsius, int score) {
    assertThat(News2.temperatureScore(celsius)).isEqualTo(score);
  }

  @ParameterizedTest(name = "{0} scores 3")
  @EnumSource(value = Consciousness.class, names = "ALERT", mode = EnumSource.Mode.EXCLUDE)
  void anythingButAlertScoresThree(Consciousness level) {
    assertThat(News2.consciousnessScore(level)).isEqualTo(3);
  }

  @Test
  void alertAndUnknownConsciousnessScoreNothing() {
    assertThat(News2.consciousnessScore(Consciousness.ALERT)).isZero();
    assertThat(News2.consciousnessScore(null)).isZero();
  }

  @Test
  void oxygenScoresTwoAirAndUnknownNothing() {
    assertThat(News2.airOrOxygenScore(AirOrOxygen.OXYGEN)).isEqualTo(2);
    assertThat(News2.airOrOxygenScore(AirOrOxygen.AIR)).isZero();
    assertThat(News2.airOrOxygenScore(null)).isZero();
  }

  @Test
  void nonFiniteValuesAreRefused() {
    assertThatThrownBy(() -> News2.pulseScore(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> News2.temperatureScore(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "total {0}, a single 3: {1} -> {2}")
  @CsvSource({
    "0,false,LOW",
    "4,false,LOW",
    "3,true,LOW_MEDIUM",
    "4,true,LOW_MEDIUM",
    "5,false,MEDIUM",
    "5,true,MEDIUM",
    "6,true,MEDIUM",
    "7,false,HIGH",
    "7,true,HIGH",
    "20,true,HIGH"
  })
  void clinicalRiskBands(int total, boolean singleThree, RiskBand band) {
    assertThat(News2.band(total, singleThree)).isEqualTo(band);
  }

  @Test
  void healthyAdultScoresZero() {
    Result r = News2.score(patient(16, 97, 125, 72, 37.0));
    assertThat(r.score()).isZero();
    assertThat(r.band()).isEqualTo(RiskBand.LOW);
    assertThat(r.complete()).isTrue();
    assertThat(r.components())
        .isEqualTo(
            Map.of(
                Loinc.RESPIRATORY_RATE,
                0,
                Loinc.SPO2,
                0,
                Loinc.SYSTOLIC_BP,
                0,
                Loinc.HEART_RATE,
                0,
                Loinc.BODY_TEMPERATURE,
                0,
                News2.CONSCIOUSNESS,
                0,
                News2.SUPPLEMENTAL_OXYGEN,
                0));
  }

  @Test
  void mildFeverWithFastBreathingIsLow() {
    // RR 21 -> 2, SpO2 95 -> 1, SBP 115 -> 0, pulse 88 -> 0, 38.2 °C -> 1 = 4, no single 3
    Result r = News2.score(patient(21, 95, 115, 88, 38.2));
    assertThat(r.score()).isEqualTo(4);
    assertThat(r.band()).isEqualTo(RiskBand.LOW);
  }

  @Test
  void newConfusionAloneIsLowMedium() {
    Result r =
        News2.score(patient(16, 97, 125, 72, 37.0).withConsciousness(Consciousness.NEW_CONFUSION));
    assertThat(r.score()).isEqualTo(3);
    assertThat(r.band()).isEqualTo(RiskBand.LOW_MEDIUM);
    assertThat(r.components()).containsEntry(News2.CONSCIOUSNESS, 3);
  }

  @Test
  void lowSaturationAloneIsLowMedium() {
    // SpO2 91 -> 3, pulse 95 -> 1 = 4 with a single 3
    Result r = News2.score(patient(18, 91, 130, 95, 36.8));
    assertThat(r.score()).isEqualTo(4);
    assertThat(r.band()).isEqualTo(RiskBand.LOW_MEDIUM);
  }

  @Test
  void earlySepsisIsMedium() {
    // RR 22 -> 2, SpO2 95 -> 1, SBP 105 -> 1, pulse 105 -> 1, 38.3 °C -> 1 = 6
    Result r = News2.score(patient(22, 95, 105, 105, 38.3));
    assertThat(r.score()).isEqualTo(6);
    assertThat(r.band()).isEqualTo(RiskBand.MEDIUM);
  }

  @Test
  void aSingleThreeWithATotalOfFiveIsMediumNotLowMedium() {
    // RR 25 -> 3, pulse 95 -> 1, 38.5 °C -> 1 = 5
    Result r = News2.score(patient(25, 96, 120, 95, 38.5));
    assertThat(r.score()).isEqualTo(5);
    assertThat(r.band()).isEqualTo(RiskBand.MEDIUM);
  }

  @Test
  void septicShockOnOxygenIsHigh() {
    // RR 26 -> 3, SpO2 90 -> 3, oxygen -> 2, SBP 88 -> 3, pulse 132 -> 3, voice -> 3, 39.4 °C -> 2
    // = 19
    Result r =
        News2.score(
            patient(26, 90, 88, 132, 39.4)
                .withAirOrOxygen(AirOrOxygen.OXYGEN)
                .withConsciousness(Consciousness.VOICE));
    assertThat(r.score()).isEqualTo(19);
    assertThat(r.band()).isEqualTo(RiskBand.HIGH);
  }

  @Test
  void theWorstPatientScoresTwenty() {
    // hypothermia is the temperature's only 3
    Result r =
        News2.score(
            patient(5, 80, 70, 35, 34.0)
                .withAirOrOxygen(AirOrOxygen.OXYGEN)
                .withConsciousness(Consciousness.UNRESPONSIVE));
    assertThat(r.score()).isEqualTo(20);
  }

  @Test
  void sevenIsHigh() {
    // RR 24 -> 2, SpO2 93 -> 2, oxygen -> 2, pulse 100 -> 1 = 7
    Result r = News2.score(patient(24, 93, 120, 100, 37.5).withAirOrOxygen(AirOrOxygen.OXYGEN));
    assertThat(r.score()).isEqualTo(7);
    assertThat(r.band()).isEqualTo(RiskBand.HIGH);
  }

  @Test
  void unknownParametersCountNothingAndMakeTheScoreIncomplete() {
    Result r = News2.score(Observations.none().withPulse(135).withSpo2(97));
    assertThat(r.score()).isEqualTo(3);
    assertThat(r.band()).isEqualTo(RiskBand.LOW_MEDIUM);
    assertThat(r.complete()).isFalse();
    assertThat(r.components())
        .containsOnlyKeys(
            Loinc.HEART_RATE, Loinc.SPO2, News2.CONSCIOUSNESS, News2.SUPPLEMENTAL_OXYGEN);
  }

  @Test
  void nothingKnownScoresZero() {
    Result r = News2.score(Observations.none());
    assertThat(r.score()).isZero();
    assertThat(r.complete()).isFalse();
  }

  static Observations patient(double rr, double spo2, double sbp, double pulse, double temp) {
    return Observations.none()
        .withRespirationRate(rr)
        .withSpo2(spo2)
        .withSystolicBp(sbp)
        .withPulse(pulse)
        .withTemperature(temp);
  }
}
