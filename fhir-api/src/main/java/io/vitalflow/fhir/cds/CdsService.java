package io.vitalflow.fhir.cds;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of the discovery document.
 *
 * @param prefetch templates the CDS client may fill in before calling (key {@value
 *     #MEDICATIONS_PREFETCH})
 */
record CdsService(
    String hook, String id, String title, String description, Map<String, String> prefetch) {

  static final String ORDER_SELECT = "order-select";
  static final String ORDER_SIGN = "order-sign";

  /** Prefetch key of the patient's active MedicationRequests. */
  static final String MEDICATIONS_PREFETCH = "medications";

  private static final Map<String, String> PREFETCH =
      Map.of(MEDICATIONS_PREFETCH, "MedicationRequest?patient={{context.patientId}}&status=active");

  static final List<CdsService> ALL =
      List.of(
          new CdsService(
              ORDER_SELECT,
              "vitalflow-drug-interactions-select",
              "VitalFlow drug-drug interactions",
              "Checks the selected draft medication orders against the other draft orders and the patient's active"
                  + " medications for drug-drug interactions.",
              PREFETCH),
          new CdsService(
              ORDER_SIGN,
              "vitalflow-drug-interactions-sign",
              "VitalFlow drug-drug interactions",
              "Checks the medication orders about to be signed against each other and the patient's active"
                  + " medications for drug-drug interactions.",
              PREFETCH));

  static Optional<CdsService> byId(String id) {
    return ALL.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
