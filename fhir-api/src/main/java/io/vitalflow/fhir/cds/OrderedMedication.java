package io.vitalflow.fhir.cds;

import io.vitalflow.interactions.Medication;

/**
 * One medication of the list that is checked: a draft order of the hook's context or an active
 * medication from the prefetch.
 *
 * @param reference {@code MedicationRequest/id}, or null when the resource has no id
 * @param label what a clinician reads on a card (the order's medication text, display or code)
 */
record OrderedMedication(Origin origin, String reference, String label, Medication medication) {

  enum Origin {
    DRAFT_ORDER("draft order"),
    ACTIVE_MEDICATION("active medication");

    private final String text;

    Origin(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  boolean draft() {
    return origin == Origin.DRAFT_ORDER;
  }
}
