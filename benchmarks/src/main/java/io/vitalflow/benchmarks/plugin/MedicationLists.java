package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.Medication;
import java.util.List;

/** The medication lists the scenario checks, in-process and over CDS Hooks. */
final class MedicationLists {

  /**
   * The replaced report's three (aspirin, ibuprofen, warfarin), by RxNorm ingredient code and name.
   */
  static final List<Medication> THREE =
      List.of(
          new Medication("1191", "aspirin"),
          new Medication("5640", "ibuprofen"),
          new Medication("11289", "warfarin"));

  /**
   * A busy but realistic list (the interaction-checker's own benchmark list): ingredient and
   * clinical-drug codes.
   */
  static final List<Medication> TEN =
      List.of(
          Medication.rxcui("855332"),
          Medication.rxcui("5640"),
          Medication.rxcui("1191"),
          Medication.rxcui("312961"),
          Medication.rxcui("21212"),
          Medication.rxcui("6809"),
          Medication.rxcui("29046"),
          Medication.rxcui("17767"),
          Medication.rxcui("7646"),
          Medication.rxcui("36437"));

  private MedicationLists() {}

  static List<Medication> ofSize(int size) {
    return switch (size) {
      case 3 -> THREE;
      case 10 -> TEN;
      default -> throw new IllegalArgumentException("no medication list of " + size);
    };
  }
}
