package io.vitalflow.fhir.cds;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why a clinician may go on with an interacting combination: the {@code overrideReasons} every
 * interaction card offers (CDS Hooks 2.0), and the reasons the feedback endpoint accepts.
 */
enum OverrideReason {
  BENEFIT_OUTWEIGHS_RISK("benefit-outweighs-risk", "Benefit outweighs the risk for this patient"),
  WILL_MONITOR("will-monitor", "Will monitor the patient or adjust the dose"),
  ALREADY_TOLERATED("already-tolerated", "Patient already takes the combination without harm"),
  NOT_APPLICABLE("not-applicable", "Interaction does not apply to this patient");

  static final String SYSTEM = "https://vitalflow.io/fhir/CodeSystem/cds-override-reason";
  static final List<Card.Coding> CODINGS =
      Arrays.stream(values())
          .map(reason -> new Card.Coding(SYSTEM, reason.code, reason.display))
          .toList();

  private final String code;
  private final String display;

  OverrideReason(String code, String display) {
    this.code = code;
    this.display = display;
  }

  String code() {
    return code;
  }

  String display() {
    return display;
  }

  static Optional<OverrideReason> of(String system, String code) {
    return SYSTEM.equals(system)
        ? Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst()
        : Optional.empty();
  }
}
