package io.vitalflow.loadgen.simulator;

import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Simulated patients whose vitals drift as a bounded random walk; a few deteriorate over time so
 * that early-warning scores and alerts have something to show. Writes readings as NDJSON lines.
 */
public final class Patients {

  /** LOINC code, unit, normal value, step, lower bound, upper bound. */
  private static final Object[][] VITALS = {
    {"8867-4", "/min", 75.0, 3.0, 35.0, 160.0},
    {"59408-5", "%", 97.0, 0.6, 82.0, 100.0},
    {"8480-6", "mm[Hg]", 122.0, 3.0, 80.0, 210.0},
    {"8462-4", "mm[Hg]", 78.0, 2.0, 45.0, 120.0},
    {"8310-5", "Cel", 36.9, 0.05, 35.0, 40.5},
    {"9279-1", "/min", 15.0, 0.6, 8.0, 32.0},
  };

  public static final int VITALS_PER_PATIENT = VITALS.length;

  private final String idPrefix;
  private final double[][] values;
  private final double[] drift;
  private final SplittableRandom random;

  public Patients(String idPrefix, int count, double deterioratingShare, long seed) {
    this.idPrefix = idPrefix;
    this.random = new SplittableRandom(seed);
    this.values = new double[count][VITALS.length];
    this.drift = new double[count];
    for (int p = 0; p < count; p++) {
      for (int v = 0; v < VITALS.length; v++) {
        values[p][v] = (double) VITALS[v][2];
      }
      drift[p] = random.nextDouble() < deterioratingShare ? 1.0 : 0.0;
    }
  }

  /** The LOINC code of vital {@code vital} (0 to {@link #VITALS_PER_PATIENT} - 1). */
  public static String code(int vital) {
    return (String) VITALS[vital][0];
  }

  public int count() {
    return values.length;
  }

  public String patientId(int patient) {
    return idPrefix + patient;
  }

  /** The canonical unit of vital {@code vital}. */
  public static String unit(int vital) {
    return (String) VITALS[vital][1];
  }

  /** Appends one NDJSON reading of {@code vital} for {@code patient}, advancing its random walk. */
  public void appendReading(
      StringBuilder out, int patient, int vital, String deviceId, Instant time) {
    out.append("{\"patientId\":\"")
        .append(patientId(patient))
        .append("\",\"deviceId\":\"")
        .append(deviceId)
        .append("\",\"code\":\"")
        .append(VITALS[vital][0])
        .append("\",\"value\":")
        .append(next(patient, vital))
        .append(",\"unit\":\"")
        .append(VITALS[vital][1])
        .append("\",\"effectiveTime\":\"")
        .append(time)
        .append("\"}\n");
  }

  /**
   * The next value of {@code patient}'s {@code vital}, to one decimal: a mean-reverting random walk
   * within the vital's bounds; deteriorating patients drift towards worse values.
   */
  public double next(int patient, int vital) {
    double step = (double) VITALS[vital][3];
    double normal = (double) VITALS[vital][2];
    double value = values[patient][vital];
    double pull = (normal - value) * 0.1;
    double worse = drift[patient] * step * 0.3 * (vital == 1 ? -1 : 1);
    value =
        Math.max(
            (double) VITALS[vital][4],
            Math.min(
                (double) VITALS[vital][5],
                value + pull + worse + (random.nextDouble() * 2 - 1) * step));
    values[patient][vital] = value;
    return Math.round(value * 10) / 10.0;
  }
}
