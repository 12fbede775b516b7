package io.vitalflow.fhir.cds;

import java.util.List;
import java.util.Set;

/**
 * A parsed CDS Hooks call.
 *
 * @param drafts the draft medication orders of {@code context.draftOrders}, selected ones first
 * @param selections {@code context.selections} (order-select), empty for order-sign
 * @param active the patient's active MedicationRequests from the prefetch, minus those also in
 *     {@code drafts}
 * @param prefetched whether the client sent {@code prefetch.medications}; if not, {@code active} is
 *     empty and the service reads the active MedicationRequests from its FHIR store
 * @param fhirAccessToken {@code fhirAuthorization.access_token}: the token the EHR gives the
 *     service for reading its FHIR server (this one); null when absent. Never logged.
 */
record HookRequest(
    String hook,
    String hookInstance,
    String patientId,
    List<OrderedMedication> drafts,
    Set<String> selections,
    List<OrderedMedication> active,
    boolean prefetched,
    String fhirAccessToken) {

  /** A request without {@code fhirAuthorization}. */
  HookRequest(
      String hook,
      String hookInstance,
      String patientId,
      List<OrderedMedication> drafts,
      Set<String> selections,
      List<OrderedMedication> active,
      boolean prefetched) {
    this(hook, hookInstance, patientId, drafts, selections, active, prefetched, null);
  }

  HookRequest {
    drafts = List.copyOf(drafts);
    selections = Set.copyOf(selections);
    active = List.copyOf(active);
  }

  HookRequest withActive(List<OrderedMedication> fromStore) {
    return new HookRequest(
        hook, hookInstance, patientId, drafts, selections, fromStore, prefetched, fhirAccessToken);
  }
}
