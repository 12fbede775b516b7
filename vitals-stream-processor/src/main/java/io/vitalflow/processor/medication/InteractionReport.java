package io.vitalflow.processor.medication;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.LongFunction;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Severity;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;

/**
 * Turns one new interaction of one patient into what the stream emits: a conditional-create command of a FHIR
 * {@code DetectedIssue} with a deterministic id (a replay finds it and writes nothing), and an {@link Alert}.
 */
final class InteractionReport {

  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String RULE_SYSTEM = "https://vitalflow.io/fhir/interaction-rule";
  static final String KB_SYSTEM = "https://vitalflow.io/fhir/interaction-knowledge-base";
  static final String MANAGEMENT_EXTENSION = "https://vitalflow.io/fhir/StructureDefinition/interaction-management";

  /** What one report emits: the command for {@code fhir.commands.v1} and the alert for {@code alerts.v1}. */
  record Emitted(String issueId, FhirCommand command, Alert alert) {

    String commandKey() {
      return "DetectedIssue/" + issueId;
    }
  }

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private final FhirContext fhir;
  private final LongFunction<String> ingredientNames;

  InteractionReport(FhirContext fhir, LongFunction<String> ingredientNames) {
    this.fhir = fhir;
    this.ingredientNames = ingredientNames;
  }

  /**
   * The same interaction pair for a patient, whichever orders and versions carry it: the two triggering
   * ingredients, lower RxCUI first.
   */
  static String pairKey(Finding finding) {
    long a = Math.min(finding.firstIngredient(), finding.secondIngredient());
    long b = Math.max(finding.firstIngredient(), finding.secondIngredient());
    return a + "+" + b;
  }

  /**
   * {@code di-} + 40 hex digits of SHA-256 over patient, pair and the two orders: stable under replay, new when the
   * pair comes back through other orders.
   */
  static String issueId(String patientId, String pairKey, String firstOrder, String secondOrder) {
    String a = firstOrder.compareTo(secondOrder) <= 0 ? firstOrder : secondOrder;
    String b = a.equals(firstOrder) ? secondOrder : firstOrder;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(String.join("\n", patientId, pairKey, a, b).getBytes(StandardCharsets.UTF_8));
      return "di-" + HexFormat.of().formatHex(digest).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  Emitted report(String patientId, Finding finding, String firstOrder, String secondOrder, Instant now) {
    String pair = pairKey(finding);
    String id = issueId(patientId, pair, firstOrder, secondOrder);
    // name the drugs in the rule's order (warfarin + ibuprofen), whatever the order of the list
    boolean swap = names(finding.rule().a(), finding.secondIngredient())
        || names(finding.rule().b(), finding.firstIngredient());
    long firstIngredient = swap ? finding.secondIngredient() : finding.firstIngredient();
    long secondIngredient = swap ? finding.firstIngredient() : finding.secondIngredient();
    String firstName = name(firstIngredient, swap ? finding.secondMedication() : finding.firstMedication());
    String secondName = name(secondIngredient, swap ? finding.firstMedication() : finding.secondMedication());
    if (swap) {
      String order = firstOrder;
      firstOrder = secondOrder;
      secondOrder = order;
    }
    String json = fhir.newJsonParser().encodeResourceToString(
        detectedIssue(id, patientId, finding, firstOrder, firstName, secondOrder, secondName, now));
    FhirCommand command = FhirCommand.newBuilder().setRequestId("interaction-" + id).setResourceType("DetectedIssue")
        .setResourceId(id).setOperation(FhirOperation.CREATE).setIfNoneExist("_id=" + id).setResource(json)
        .setReceivedAt(now).build();
    String severity = finding.severity().name().toLowerCase(Locale.ROOT);
    Alert alert = Alert.newBuilder().setAlertId(id).setPatientId(patientId).setKind(AlertKind.DRUG_INTERACTION)
        .setSeverity(alertSeverity(finding.severity())).setRaisedAt(now)
        .setTitle("Drug interaction: " + firstName + " + " + secondName + " (" + severity + ")")
        .setDetectedIssue(json)
        .setAttributes(Map.of("rule", finding.rule().id(), "kbVersion", finding.kbVersion(), "detectedIssue",
            "DetectedIssue/" + id, "interactionSeverity", severity))
        .build();
    return new Emitted(id, command, alert);
  }

  private DetectedIssue detectedIssue(String id, String patientId, Finding finding, String firstOrder,
      String firstName, String secondOrder, String secondName, Instant now) {
    DetectedIssue issue = new DetectedIssue();
    issue.setId(id);
    issue.getMeta().addTag(KB_SYSTEM, finding.kbVersion(), "interaction knowledge base version");
    issue.addIdentifier().setSystem(RULE_SYSTEM).setValue(finding.rule().id());
    issue.setStatus(DetectedIssue.DetectedIssueStatus.FINAL);
    issue.setCode(new CodeableConcept(new Coding(ACT_CODE, "DRG", "Drug Interaction Alert"))
        .setText("Drug interaction"));
    issue.setSeverity(issueSeverity(finding.severity()));
    issue.setPatient(new Reference("Patient/" + patientId));
    issue.setIdentified(new DateTimeType(Date.from(now), TemporalPrecisionEnum.SECOND, UTC));
    issue.addImplicated(new Reference("MedicationRequest/" + firstOrder).setDisplay(firstName));
    issue.addImplicated(new Reference("MedicationRequest/" + secondOrder).setDisplay(secondName));
    issue.setDetail(finding.rule().effect() + " " + finding.rule().mechanism());
    issue.addExtension(MANAGEMENT_EXTENSION, new StringType(finding.rule().management()));
    return issue;
  }

  /** Whether a rule side ({@code 11289}, {@code warfarin} or {@code class:NSAID}) names this very ingredient. */
  private boolean names(String side, long ingredient) {
    return side != null && (side.equals(Long.toString(ingredient))
        || side.equalsIgnoreCase(ingredientNames.apply(ingredient)));
  }

  private String name(long ingredient, Medication medication) {
    String name = ingredientNames.apply(ingredient);
    if (name != null) {
      return name;
    }
    if (medication.name() != null) {
      return medication.name();
    }
    return "RxNorm " + ingredient;
  }

  static DetectedIssue.DetectedIssueSeverity issueSeverity(Severity severity) {
    return severity == Severity.MODERATE ? DetectedIssue.DetectedIssueSeverity.MODERATE
        : DetectedIssue.DetectedIssueSeverity.HIGH;
  }

  static AlertSeverity alertSeverity(Severity severity) {
    return severity == Severity.MODERATE ? AlertSeverity.MODERATE : AlertSeverity.HIGH;
  }
}
