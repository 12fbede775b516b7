package io.vitalflow.interactions;

import java.util.List;

/**
 * Checks a patient's medication list for drug-drug interactions. Implementations are thread-safe.
 */
public interface InteractionChecker {

  /** At most {@value #MAX_MEDICATIONS} medications per list. */
  int MAX_MEDICATIONS = 1024;

  CheckResult check(List<Medication> medications);

  String kbVersion();
}
