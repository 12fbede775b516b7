package io.vitalflow.ingest.vitals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VitalTypeTest {

  @ParameterizedTest
  @CsvSource({"98.6, 37.0", "104, 40.0", "32, 0.0", "95, 35.0", "100.4, 38.0"})
  void fahrenheitBecomesCelsius(double fahrenheit, double celsius) {
    assertThat(VitalType.BODY_TEMPERATURE.toCanonical(fahrenheit, "[degF]")).isEqualTo(celsius);
  }

  @Test
  void kelvinBecomesCelsius() {
    assertThat(VitalType.BODY_TEMPERATURE.toCanonical(310.15, "K")).isEqualTo(37.0);
    assertThat(VitalType.BODY_TEMPERATURE.toCanonical(36.6, "Cel")).isEqualTo(36.6);
  }

  @Test
  void kilopascalBecomesMillimetresOfMercury() {
    assertThat(VitalType.SYSTOLIC_BP.toCanonical(16, "kPa")).isEqualTo(120.01);
    assertThat(VitalType.DIASTOLIC_BP.toCanonical(10.6, "kPa")).isEqualTo(79.51);
    assertThat(VitalType.SYSTOLIC_BP.toCanonical(1, "kPa")).isCloseTo(7.50, within(0.001));
    assertThat(VitalType.SYSTOLIC_BP.toCanonical(121.5, "mm[Hg]")).isEqualTo(121.5);
  }

  @Test
  void ucumSpellingsOfPerMinuteKeepTheValue() {
    for (String unit : new String[] {"/min", "1/min", "{beats}/min", "{beat}/min"}) {
      assertThat(VitalType.HEART_RATE.accepts(unit)).as(unit).isTrue();
      assertThat(VitalType.HEART_RATE.toCanonical(72.456, unit)).as(unit).isEqualTo(72.456);
    }
    assertThat(VitalType.RESPIRATORY_RATE.accepts("{breaths}/min")).isTrue();
    assertThat(VitalType.RESPIRATORY_RATE.toCanonical(16, "{breaths}/min")).isEqualTo(16);
  }

  @Test
  void unitsOfOtherQuantitiesAreNotAccepted() {
    assertThat(VitalType.HEART_RATE.accepts("{breaths}/min")).isFalse();
    assertThat(VitalType.HEART_RATE.accepts("bpm")).isFalse();
    assertThat(VitalType.HEART_RATE.accepts("/s")).isFalse();
    assertThat(VitalType.SPO2.accepts("%")).isTrue();
    assertThat(VitalType.SPO2.accepts("1")).isFalse();
    assertThat(VitalType.SYSTOLIC_BP.accepts("mmHg")).as("not UCUM").isFalse();
    assertThat(VitalType.BODY_TEMPERATURE.accepts("[degC]")).as("not UCUM").isFalse();
    assertThat(VitalType.BODY_TEMPERATURE.accepts("cel")).as("UCUM is case-sensitive").isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> VitalType.BODY_TEMPERATURE.toCanonical(1, "kPa"));
  }

  @Test
  void everyKnownLoincCodeHasItsType() {
    assertThat(VitalType.ofCode("8867-4")).isEqualTo(VitalType.HEART_RATE);
    assertThat(VitalType.ofCode("59408-5")).isEqualTo(VitalType.SPO2);
    assertThat(VitalType.ofCode("2708-6")).isEqualTo(VitalType.SPO2_ARTERIAL);
    assertThat(VitalType.ofCode("8480-6")).isEqualTo(VitalType.SYSTOLIC_BP);
    assertThat(VitalType.ofCode("8462-4")).isEqualTo(VitalType.DIASTOLIC_BP);
    assertThat(VitalType.ofCode("8310-5")).isEqualTo(VitalType.BODY_TEMPERATURE);
    assertThat(VitalType.ofCode("9279-1")).isEqualTo(VitalType.RESPIRATORY_RATE);
    assertThat(VitalType.ofCode("85354-9")).as("the panel is split, never stored").isNull();
    assertThat(VitalType.ofCode(null)).isNull();
  }

  @Test
  void acceptedUnitsAreListedCanonicalFirst() {
    assertThat(VitalType.BODY_TEMPERATURE.acceptedUnits()).isEqualTo("Cel, K, [degF]");
  }
}
