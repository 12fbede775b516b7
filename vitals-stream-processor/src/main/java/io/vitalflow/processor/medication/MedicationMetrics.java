package io.vitalflow.processor.medication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The medication stream's counters. Counted when the check step emits, so a transaction that aborts
 * and is processed again counts twice: they show rates and trends; the DetectedIssues are the
 * record.
 *
 * <p>{@code vitalflow.medication.checks{outcome,kb_version}} counts the calls of the interaction
 * checker (the WebAssembly plugin): {@code outcome="checked"} or {@code "failed"} (a plugin error:
 * trap, deadline, memory cap, bad answer; the order change is dead-lettered), by the knowledge-base
 * version that answered, so a dashboard shows which versions are in use across instances after a
 * reload.
 */
final class MedicationMetrics {

  private final Counter notChecked;
  private final Counter interactions;
  private final Counter retired;
  private final MeterRegistry meters;
  private final Map<String, Counter> checks = new ConcurrentHashMap<>();

  MedicationMetrics(MeterRegistry meters) {
    this.meters = meters;
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

  /** One call of the checker, and whether it answered. */
  void checked(String kbVersion, boolean failed) {
    String outcome = failed ? "failed" : "checked";
    String version = kbVersion == null || kbVersion.isBlank() ? "unknown" : kbVersion;
    checks
        .computeIfAbsent(
            outcome + ' ' + version,
            key ->
                Counter.builder("vitalflow.medication.checks")
                    .description(
                        "Calls of the drug-interaction checker, by outcome and knowledge version")
                    .tag("outcome", outcome)
                    .tag("kb_version", version)
                    .register(meters))
        .increment();
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
