package io.vitalflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VitalSignTypeTest {

  @ParameterizedTest
  @CsvSource({"98.6, 37.0", "104, 40.0", "32, 0.0", "95, 35.0", "100.4, 38.0"})
  void fahrenheitBecomesCelsius(double fahrenheit, double celsius) {
    assertThat(VitalSignType.BODY_TEMPERATURE.toCanonical(fahrenheit, "[degF]")).isEqualTo(celsius);
  }

  @Test
  void kelvinBecomesCelsius() {
    assertThat(VitalSignType.BODY_TEMPERATURE.toCanonical(310.15, "K")).isEqualTo(37.0);
    assertThat(VitalSignType.BODY_TEMPERATURE.toCanonical(36.6, "Cel")).isEqualTo(36.6);
  }

  @Test
  void kilopascalBecomesMillimetresOfMercury() {
    assertThat(VitalSignType.SYSTOLIC_BP.toCanonical(16, "kPa")).isEqualTo(120.01);
    assertThat(VitalSignType.DIASTOLIC_BP.toCanonical(10.6, "kPa")).isEqualTo(79.51);
    assertThat(VitalSignType.SYSTOLIC_BP.toCanonical(1, "kPa")).isCloseTo(7.50, within(0.001));
    assertThat(VitalSignType.SYSTOLIC_BP.toCanonical(121.5, "mm[Hg]")).isEqualTo(121.5);
  }

  @Test
  void ucumSpellingsOfPerMinuteKeepTheValue() {
    for (String unit : new String[] {"/min", "1/min", "{beats}/min", "{beat}/min"}) {
      assertThat(VitalSignType.HEART_RATE.accepts(unit)).as(unit).isTrue();
      assertThat(VitalSignType.HEART_RATE.toCanonical(72.456, unit)).as(unit).isEqualTo(72.456);
    }
    assertThat(VitalSignType.RESPIRATORY_RATE.accepts("{breaths}/min")).isTrue();
    assertThat(VitalSignType.RESPIRATORY_RATE.toCanonical(16, "{breaths}/min")).isEqualTo(16);
  }

  @Test
  void unitsOfOtherQuantitiesAreNotAccepted() {
    assertThat(VitalSignType.HEART_RATE.accepts("{breaths}/min")).isFalse();
    assertThat(VitalSignType.HEART_RATE.accepts("bpm")).isFalse();
    assertThat(VitalSignType.HEART_RATE.accepts("/s")).isFalse();
    assertThat(VitalSignType.SPO2.accepts("%")).isTrue();
    assertThat(VitalSignType.SPO2.accepts("1")).isFalse();
    assertThat(VitalSignType.SYSTOLIC_BP.accepts("mmHg")).as("not UCUM").isFalse();
    assertThat(VitalSignType.BODY_TEMPERATURE.accepts("[degC]")).as("not UCUM").isFalse();
    assertThat(VitalSignType.BODY_TEMPERATURE.accepts("cel"))
        .as("UCUM is case-sensitive")
        .isFalse();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> VitalSignType.BODY_TEMPERATURE.toCanonical(1, "kPa"));
  }

  @Test
  void everyKnownLoincCodeHasItsType() {
    assertThat(VitalSignType.ofCode("8867-4")).isEqualTo(VitalSignType.HEART_RATE);
    assertThat(VitalSignType.ofCode("59408-5")).isEqualTo(VitalSignType.SPO2);
    assertThat(VitalSignType.ofCode("2708-6")).isEqualTo(VitalSignType.SPO2_ARTERIAL);
    assertThat(VitalSignType.ofCode("8480-6")).isEqualTo(VitalSignType.SYSTOLIC_BP);
    assertThat(VitalSignType.ofCode("8462-4")).isEqualTo(VitalSignType.DIASTOLIC_BP);
    assertThat(VitalSignType.ofCode("8310-5")).isEqualTo(VitalSignType.BODY_TEMPERATURE);
    assertThat(VitalSignType.ofCode("9279-1")).isEqualTo(VitalSignType.RESPIRATORY_RATE);
    assertThat(VitalSignType.ofCode("85354-9")).as("the panel is split, never stored").isNull();
    assertThat(VitalSignType.ofCode(null)).isNull();
  }

  @Test
  void acceptedUnitsAreListedCanonicalFirst() {
    assertThat(VitalSignType.BODY_TEMPERATURE.acceptedUnits()).isEqualTo("Cel, K, [degF]");
  }

  @Test
  void plausibleRangesAreInclusiveAndRefuseNaN() {
    assertThat(VitalSignType.HEART_RATE.isPlausible(20)).isTrue();
    assertThat(VitalSignType.HEART_RATE.isPlausible(300)).isTrue();
    assertThat(VitalSignType.HEART_RATE.isPlausible(19.99)).isFalse();
    assertThat(VitalSignType.HEART_RATE.isPlausible(300.01)).isFalse();
    assertThat(VitalSignType.BODY_TEMPERATURE.isPlausible(Double.NaN)).isFalse();
  }

  @Test
  void everyTypeHasADisplayAndItsCodeIsALoincConstant() {
    assertThat(VitalSignType.values())
        .extracting(VitalSignType::code)
        .containsExactlyInAnyOrder(
            Loinc.HEART_RATE,
            Loinc.SPO2,
            Loinc.SPO2_ARTERIAL,
            Loinc.SYSTOLIC_BP,
            Loinc.DIASTOLIC_BP,
            Loinc.BODY_TEMPERATURE,
            Loinc.RESPIRATORY_RATE);
    assertThat(VitalSignType.values()).allSatisfy(type -> assertThat(type.display()).isNotBlank());
    assertThat(VitalSignType.SYSTOLIC_BP.display()).isEqualTo("Systolic blood pressure");
  }
}
