package io.vitalflow.ingest.vitals;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

import io.vitalflow.schemas.Loinc;

/**
 * The vital signs the gateway accepts: LOINC code, canonical UCUM unit, the units it converts from, and the
 * physiologically plausible range (inclusive, in the canonical unit). The ranges reject what cannot come from
 * a living patient or a working sensor; clinical judgement (NEWS2, alerts) happens downstream.
 */
enum VitalType {
  HEART_RATE(Loinc.HEART_RATE, "/min", 20, 300, Set.of("1/min", "{beats}/min", "{beat}/min", "{h.b.}/min"),
      Map.of()),
  SPO2(Loinc.SPO2, "%", 50, 100, Set.of(), Map.of()),
  SPO2_ARTERIAL(Loinc.SPO2_ARTERIAL, "%", 50, 100, Set.of(), Map.of()),
  SYSTOLIC_BP(Loinc.SYSTOLIC_BP, "mm[Hg]", 40, 300, Set.of(),
      Map.of("kPa", VitalType::kilopascalToMillimetresOfMercury)),
  DIASTOLIC_BP(Loinc.DIASTOLIC_BP, "mm[Hg]", 20, 200, Set.of(),
      Map.of("kPa", VitalType::kilopascalToMillimetresOfMercury)),
  BODY_TEMPERATURE(Loinc.BODY_TEMPERATURE, "Cel", 25, 45, Set.of(),
      Map.of("[degF]", fahrenheit -> (fahrenheit - 32) * 5 / 9, "K", kelvin -> kelvin - 273.15)),
  RESPIRATORY_RATE(Loinc.RESPIRATORY_RATE, "/min", 1, 80, Set.of("1/min", "{breaths}/min", "{breath}/min",
      "{resp}/min"), Map.of());

  /** mm[Hg] per kPa: 1 mm[Hg] = 133.322 387 415 Pa (UCUM). */
  static final double MILLIMETRES_OF_MERCURY_PER_KILOPASCAL = 1000 / 133.322387415;

  private static final Map<String, VitalType> BY_CODE = new HashMap<>();

  static {
    for (VitalType type : values()) {
      BY_CODE.put(type.code, type);
    }
  }

  private final String code;
  private final String unit;
  private final double min;
  private final double max;
  /** Other UCUM spellings of {@link #unit} (annotations such as {@code {beats}} do not change a value). */
  private final Set<String> synonyms;
  /** Accepted units of another magnitude and how to convert them to {@link #unit}. */
  private final Map<String, DoubleUnaryOperator> conversions;

  VitalType(String code, String unit, double min, double max, Set<String> synonyms,
      Map<String, DoubleUnaryOperator> conversions) {
    this.code = code;
    this.unit = unit;
    this.min = min;
    this.max = max;
    this.synonyms = synonyms;
    this.conversions = conversions;
  }

  /** The type of a LOINC code, or null when the gateway does not know it. */
  static VitalType ofCode(String loinc) {
    return loinc == null ? null : BY_CODE.get(loinc);
  }

  String code() {
    return code;
  }

  /** The canonical UCUM unit every reading of this type is stored in. */
  String unit() {
    return unit;
  }

  double min() {
    return min;
  }

  double max() {
    return max;
  }

  boolean accepts(String ucum) {
    return unit.equals(ucum) || synonyms.contains(ucum) || conversions.containsKey(ucum);
  }

  /**
   * The value in the canonical unit. Converted values are rounded to two decimals (no device is more precise,
   * and 98.6 [degF] should read 37 Cel, not 36.99999999999999).
   *
   * @throws IllegalArgumentException when {@code ucum} is not a unit of this type
   */
  double toCanonical(double value, String ucum) {
    if (unit.equals(ucum) || synonyms.contains(ucum)) {
      return value;
    }
    DoubleUnaryOperator conversion = conversions.get(ucum);
    if (conversion == null) {
      throw new IllegalArgumentException("unit " + ucum + " is not a unit of " + this);
    }
    double converted = conversion.applyAsDouble(value);
    return Math.abs(converted) < 1e12 ? Math.round(converted * 100) / 100.0 : converted;
  }

  /** Human-readable list of the units accepted, canonical first. */
  String acceptedUnits() {
    StringBuilder units = new StringBuilder(unit);
    synonyms.stream().sorted().forEach(other -> units.append(", ").append(other));
    conversions.keySet().stream().sorted().forEach(other -> units.append(", ").append(other));
    return units.toString();
  }

  private static double kilopascalToMillimetresOfMercury(double kilopascal) {
    return kilopascal * MILLIMETRES_OF_MERCURY_PER_KILOPASCAL;
  }
}
