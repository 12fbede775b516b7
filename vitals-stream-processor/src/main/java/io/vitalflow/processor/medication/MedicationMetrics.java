package io.vitalflow.processor.medication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The medication stream's counters. Counted when the check step emits, so a transaction that aborts
 * and is processed again counts twice: they show rates and trends; the DetectedIssues are the
 * record.
 */
final class MedicationMetrics {

  private final Counter notChecked;
  private final Counter interactions;
  private final Counter retired;

  MedicationMetrics(MeterRegistry meters) {
    this.notChecked =
        Counter.builder("vitalflow.medication.not.checked")
            .description(
                "Medication orders reported as not checked for interactions: no RxNorm code or name the"
                    + " knowledge base knows")
            .register(meters);
    this.interactions =
        Counter.builder("vitalflow.medication.interactions")
            .description("Drug interactions reported as DetectedIssues")
            .register(meters);
    this.retired =
        Counter.builder("vitalflow.medication.issues.retired")
            .description(
                "DetectedIssues retired because an order they implicate stopped, changed or can be checked"
                    + " now")
            .register(meters);
  }

  void notChecked() {
    notChecked.increment();
  }

  void interaction() {
    interactions.increment();
  }

  void retired() {
    retired.increment();
  }
}
