package io.vitalflow.schemas;

/** LOINC codes of the vital signs VitalFlow understands. */
public final class Loinc {
  public static final String HEART_RATE = "8867-4";
  public static final String SPO2 = "59408-5";
  public static final String SPO2_ARTERIAL = "2708-6";
  public static final String SYSTOLIC_BP = "8480-6";
  public static final String DIASTOLIC_BP = "8462-4";
  public static final String BODY_TEMPERATURE = "8310-5";
  public static final String RESPIRATORY_RATE = "9279-1";

  /**
   * Blood pressure panel: never stored as such, split into its systolic and diastolic components.
   */
  public static final String BLOOD_PRESSURE_PANEL = "85354-9";

  private Loinc() {}
}
