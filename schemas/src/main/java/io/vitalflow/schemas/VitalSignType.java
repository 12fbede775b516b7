package io.vitalflow.schemas;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * The vital signs VitalFlow stores: LOINC code and display, canonical UCUM unit (the unit of {@link
 * VitalSign#getUnit()}), the UCUM units converted from, and the physiologically plausible range
 * (inclusive, in the canonical unit). The ranges reject what cannot come from a living patient or a
 * working sensor; clinical judgement (NEWS2, alerts) happens downstream. Every writer of {@code
 * vitals.raw.v1} applies these rules.
 */
public enum VitalSignType {
  HEART_RATE(
      Loinc.HEART_RATE,
      "Heart rate",
      "/min",
      20,
      300,
      Set.of("1/min", "{beats}/min", "{beat}/min", "{h.b.}/min"),
      Map.of()),
  SPO2(
      Loinc.SPO2,
      "Oxygen saturation in Arterial blood by Pulse oximetry",
      "%",
      50,
      100,
      Set.of(),
      Map.of()),
  SPO2_ARTERIAL(
      Loinc.SPO2_ARTERIAL, "Oxygen saturation in Arterial blood", "%", 50, 100, Set.of(), Map.of()),
  SYSTOLIC_BP(
      Loinc.SYSTOLIC_BP,
      "Systolic blood pressure",
      "mm[Hg]",
      40,
      300,
      Set.of(),
      Map.of("kPa", VitalSignType::kilopascalToMillimetresOfMercury)),
  DIASTOLIC_BP(
      Loinc.DIASTOLIC_BP,
      "Diastolic blood pressure",
      "mm[Hg]",
      20,
      200,
      Set.of(),
      Map.of("kPa", VitalSignType::kilopascalToMillimetresOfMercury)),
  BODY_TEMPERATURE(
      Loinc.BODY_TEMPERATURE,
      "Body temperature",
      "Cel",
      25,
      45,
      Set.of(),
      Map.of("[degF]", fahrenheit -> (fahrenheit - 32) * 5 / 9, "K", kelvin -> kelvin - 273.15)),
  RESPIRATORY_RATE(
      Loinc.RESPIRATORY_RATE,
      "Respiratory rate",
      "/min",
      1,
      80,
      Set.of("1/min", "{breaths}/min", "{breath}/min", "{resp}/min"),
      Map.of());

  /** mm[Hg] per kPa: 1 mm[Hg] = 133.322 387 415 Pa (UCUM). */
  public static final double MILLIMETRES_OF_MERCURY_PER_KILOPASCAL = 1000 / 133.322387415;

  /**
   * Readings older than this are not stored (daily partitions exist one day further back); the
   * default of the gateway's {@code vitalflow.ingest.max-age}.
   */
  public static final Duration MAX_AGE = Duration.ofDays(7);

  /**
   * How far after its receipt a reading's effective time may lie; the gateway's default clock skew.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(5);

  private static final Map<String, VitalSignType> BY_CODE = new HashMap<>();

  static {
    for (VitalSignType type : values()) {
      BY_CODE.put(type.code, type);
    }
  }

  private final String code;
  private final String display;
  private final String unit;
  private final double min;
  private final double max;

  /**
   * Other UCUM spellings of {@link #unit} (annotations such as {@code {beats}} do not change a
   * value).
   */
  private final Set<String> synonyms;

  /** Accepted units of another magnitude and how to convert them to {@link #unit}. */
  private final Map<String, DoubleUnaryOperator> conversions;

  VitalSignType(
      String code,
      String display,
      String unit,
      double min,
      double max,
      Set<String> synonyms,
      Map<String, DoubleUnaryOperator> conversions) {
    this.code = code;
    this.display = display;
    this.unit = unit;
    this.min = min;
    this.max = max;
    this.synonyms = synonyms;
    this.conversions = conversions;
  }

  /** The type of a LOINC code, or null when VitalFlow does not store it. */
  public static VitalSignType ofCode(String loinc) {
    return loinc == null ? null : BY_CODE.get(loinc);
  }

  /** The LOINC code. */
  public String code() {
    return code;
  }

  /** The LOINC display name. */
  public String display() {
    return display;
  }

  /** The canonical UCUM unit every reading of this type is stored in. */
  public String unit() {
    return unit;
  }

  /** Lowest plausible value in the canonical unit. */
  public double min() {
    return min;
  }

  /** Highest plausible value in the canonical unit. */
  public double max() {
    return max;
  }

  /** Whether a value in the canonical unit lies in the plausible range (NaN does not). */
  public boolean isPlausible(double canonical) {
    return canonical >= min && canonical <= max;
  }

  /** Whether values in the UCUM unit {@code ucum} (case-sensitive) can be stored as this type. */
  public boolean accepts(String ucum) {
    return unit.equals(ucum) || synonyms.contains(ucum) || conversions.containsKey(ucum);
  }

  /**
   * The value in the canonical unit. Converted values are rounded to two decimals (no device is
   * more precise, and 98.6 [degF] should read 37 Cel, not 36.99999999999999).
   *
   * @throws IllegalArgumentException when {@code ucum} is not a unit of this type
   */
  public double toCanonical(double value, String ucum) {
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
  public String acceptedUnits() {
    StringBuilder units = new StringBuilder(unit);
    synonyms.stream().sorted().forEach(other -> units.append(", ").append(other));
    conversions.keySet().stream().sorted().forEach(other -> units.append(", ").append(other));
    return units.toString();
  }

  private static double kilopascalToMillimetresOfMercury(double kilopascal) {
    return kilopascal * MILLIMETRES_OF_MERCURY_PER_KILOPASCAL;
  }
}
