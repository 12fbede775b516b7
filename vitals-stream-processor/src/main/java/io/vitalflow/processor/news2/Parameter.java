package io.vitalflow.processor.news2;

import io.vitalflow.schemas.Loinc;

/** The measured NEWS2 parameters and the LOINC codes that feed them. */
enum Parameter {
  RESPIRATION_RATE,
  SPO2,
  SYSTOLIC_BP,
  PULSE,
  TEMPERATURE;

  /** The parameter a reading of this code measures, or {@code null} (e.g. diastolic pressure). */
  static Parameter of(String loincCode) {
    return switch (loincCode) {
      case Loinc.RESPIRATORY_RATE -> RESPIRATION_RATE;
      case Loinc.SPO2, Loinc.SPO2_ARTERIAL -> SPO2;
      case Loinc.SYSTOLIC_BP -> SYSTOLIC_BP;
      case Loinc.HEART_RATE -> PULSE;
      case Loinc.BODY_TEMPERATURE -> TEMPERATURE;
      default -> null;
    };
  }
}
