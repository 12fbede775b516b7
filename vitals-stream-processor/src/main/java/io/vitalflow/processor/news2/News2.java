package io.vitalflow.processor.news2;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.RiskBand;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleToIntFunction;

/**
 * The National Early Warning Score 2 (Royal College of Physicians, 2017), SpO2 scale 1.
 *
 * <p>Pure functions, no state. Values are first rounded to the chart's precision (whole numbers,
 * temperature to one decimal, half up) and then looked up in the chart, so 90.4 beats/min scores
 * like 90 and 90.5 like 91. A measured parameter that is unknown contributes nothing and makes the
 * result incomplete; consciousness and air-or-oxygen default to alert and room air.
 */
public final class News2 {

  /** Sub-score key of the consciousness level in {@link Result#components()}. */
  public static final String CONSCIOUSNESS = "consciousness";

  /** Sub-score key of air or oxygen in {@link Result#components()}. */
  public static final String SUPPLEMENTAL_OXYGEN = "supplementalOxygen";

  /** ACVPU: anything but alert scores 3. */
  public enum Consciousness {
    ALERT,
    NEW_CONFUSION,
    VOICE,
    PAIN,
    UNRESPONSIVE
  }

  public enum AirOrOxygen {
    AIR,
    OXYGEN
  }

  /**
   * What is known about a patient; {@code null} means not measured (or too old to count).
   *
   * @param respirationRate breaths per minute
   * @param spo2 oxygen saturation in %
   * @param systolicBp mm Hg
   * @param pulse beats per minute
   * @param temperature degrees Celsius
   * @param consciousness {@code null} counts as alert
   * @param airOrOxygen {@code null} counts as room air
   */
  public record Observations(
      Double respirationRate,
      Double spo2,
      Double systolicBp,
      Double pulse,
      Double temperature,
      Consciousness consciousness,
      AirOrOxygen airOrOxygen) {

    public static Observations none() {
      return new Observations(null, null, null, null, null, null, null);
    }

    public Observations withRespirationRate(double value) {
      return new Observations(
          value, spo2, systolicBp, pulse, temperature, consciousness, airOrOxygen);
    }

    public Observations withSpo2(double value) {
      return new Observations(
          respirationRate, value, systolicBp, pulse, temperature, consciousness, airOrOxygen);
    }

    public Observations withSystolicBp(double value) {
      return new Observations(
          respirationRate, spo2, value, pulse, temperature, consciousness, airOrOxygen);
    }

    public Observations withPulse(double value) {
      return new Observations(
          respirationRate, spo2, systolicBp, value, temperature, consciousness, airOrOxygen);
    }

    public Observations withTemperature(double value) {
      return new Observations(
          respirationRate, spo2, systolicBp, pulse, value, consciousness, airOrOxygen);
    }

    public Observations withConsciousness(Consciousness value) {
      return new Observations(
          respirationRate, spo2, systolicBp, pulse, temperature, value, airOrOxygen);
    }

    public Observations withAirOrOxygen(AirOrOxygen value) {
      return new Observations(
          respirationRate, spo2, systolicBp, pulse, temperature, consciousness, value);
    }
  }

  /**
   * @param score aggregate score, 0..20
   * @param components sub-score per parameter, keyed by LOINC code (SpO2 always under {@link
   *     Loinc#SPO2}), {@link #CONSCIOUSNESS} and {@link #SUPPLEMENTAL_OXYGEN}; unknown measured
   *     parameters are absent
   * @param complete all five measured parameters were known
   */
  public record Result(
      int score, RiskBand band, Map<String, Integer> components, boolean complete) {

    public Result {
      components = Map.copyOf(components);
    }
  }

  private News2() {}

  public static Result score(Observations o) {
    Map<String, Integer> components = new LinkedHashMap<>();
    putIfKnown(
        components, Loinc.RESPIRATORY_RATE, o.respirationRate(), News2::respirationRateScore);
    putIfKnown(components, Loinc.SPO2, o.spo2(), News2::spo2Scale1Score);
    putIfKnown(components, Loinc.SYSTOLIC_BP, o.systolicBp(), News2::systolicBpScore);
    putIfKnown(components, Loinc.HEART_RATE, o.pulse(), News2::pulseScore);
    putIfKnown(components, Loinc.BODY_TEMPERATURE, o.temperature(), News2::temperatureScore);
    boolean complete = components.size() == 5;
    components.put(CONSCIOUSNESS, consciousnessScore(o.consciousness()));
    components.put(SUPPLEMENTAL_OXYGEN, airOrOxygenScore(o.airOrOxygen()));
    int total = components.values().stream().mapToInt(Integer::intValue).sum();
    boolean anyThree = components.values().stream().anyMatch(s -> s == 3);
    return new Result(total, band(total, anyThree), components, complete);
  }

  /**
   * LOW 0-4, LOW_MEDIUM when a single parameter scores 3 (total at most 4), MEDIUM 5-6, HIGH 7 or
   * more.
   */
  public static RiskBand band(int total, boolean anySingleParameterScoresThree) {
    if (total >= 7) {
      return RiskBand.HIGH;
    }
    if (total >= 5) {
      return RiskBand.MEDIUM;
    }
    return anySingleParameterScoresThree ? RiskBand.LOW_MEDIUM : RiskBand.LOW;
  }

  /** ≤8: 3, 9-11: 1, 12-20: 0, 21-24: 2, ≥25: 3. */
  public static int respirationRateScore(double perMinute) {
    long v = whole(perMinute);
    if (v <= 8) {
      return 3;
    }
    if (v <= 11) {
      return 1;
    }
    if (v <= 20) {
      return 0;
    }
    return v <= 24 ? 2 : 3;
  }

  /** Scale 1: ≤91: 3, 92-93: 2, 94-95: 1, ≥96: 0. */
  public static int spo2Scale1Score(double percent) {
    long v = whole(percent);
    if (v <= 91) {
      return 3;
    }
    if (v <= 93) {
      return 2;
    }
    return v <= 95 ? 1 : 0;
  }

  /** ≤90: 3, 91-100: 2, 101-110: 1, 111-219: 0, ≥220: 3. */
  public static int systolicBpScore(double mmHg) {
    long v = whole(mmHg);
    if (v <= 90) {
      return 3;
    }
    if (v <= 100) {
      return 2;
    }
    if (v <= 110) {
      return 1;
    }
    return v <= 219 ? 0 : 3;
  }

  /** ≤40: 3, 41-50: 1, 51-90: 0, 91-110: 1, 111-130: 2, ≥131: 3. */
  public static int pulseScore(double perMinute) {
    long v = whole(perMinute);
    if (v <= 40) {
      return 3;
    }
    if (v <= 50) {
      return 1;
    }
    if (v <= 90) {
      return 0;
    }
    if (v <= 110) {
      return 1;
    }
    return v <= 130 ? 2 : 3;
  }

  /** ≤35.0: 3, 35.1-36.0: 1, 36.1-38.0: 0, 38.1-39.0: 1, ≥39.1: 2. */
  public static int temperatureScore(double celsius) {
    requireFinite(celsius);
    double bounded = Math.max(-1000, Math.min(1000, celsius));
    long tenths =
        BigDecimal.valueOf(bounded)
            .setScale(1, RoundingMode.HALF_UP)
            .movePointRight(1)
            .longValueExact();
    if (tenths <= 350) {
      return 3;
    }
    if (tenths <= 360) {
      return 1;
    }
    if (tenths <= 380) {
      return 0;
    }
    return tenths <= 390 ? 1 : 2;
  }

  /** Alert: 0; new confusion, voice, pain or unresponsive: 3; unknown counts as alert. */
  public static int consciousnessScore(Consciousness level) {
    return level == null || level == Consciousness.ALERT ? 0 : 3;
  }

  /** Supplemental oxygen: 2; room air: 0; unknown counts as room air. */
  public static int airOrOxygenScore(AirOrOxygen airOrOxygen) {
    return airOrOxygen == AirOrOxygen.OXYGEN ? 2 : 0;
  }

  private static long whole(double value) {
    return Math.round(requireFinite(value));
  }

  private static double requireFinite(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite value: " + value);
    }
    return value;
  }

  private static void putIfKnown(
      Map<String, Integer> components, String key, Double value, DoubleToIntFunction scorer) {
    if (value != null) {
      components.put(key, scorer.applyAsInt(value));
    }
  }
}
