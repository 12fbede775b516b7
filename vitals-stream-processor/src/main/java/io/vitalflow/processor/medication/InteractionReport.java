package io.vitalflow.processor.medication;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Severity;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

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

  private static final JsonFactory JSON = new JsonFactory();
  /** What HAPI writes for a second-precision dateTime in UTC. */
  private static final DateTimeFormatter SECONDS_UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx",
      Locale.ROOT).withZone(ZoneOffset.UTC);

  private final LongFunction<String> ingredientNames;

  InteractionReport(LongFunction<String> ingredientNames) {
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
    String json = detectedIssueJson(id, patientId, finding, firstOrder, firstName, secondOrder, secondName, now);
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

  /**
   * The DetectedIssue JSON, written directly: the same text HAPI's encoder gives for the same model (element order
   * of the R4 definition, {@code InteractionReportTest} compares them), at a fraction of the cost; HAPI's model and
   * encoder were the largest share of the check step's time.
   */
  static String detectedIssueJson(String id, String patientId, Finding finding, String firstOrder,
      String firstName, String secondOrder, String secondName, Instant now) {
    StringWriter text = new StringWriter(1024);
    try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), text)) {
      json.writeStartObject();
      json.writeStringProperty("resourceType", "DetectedIssue");
      json.writeStringProperty("id", id);
      json.writeObjectPropertyStart("meta");
      json.writeArrayPropertyStart("tag");
      coding(json, KB_SYSTEM, finding.kbVersion(), "interaction knowledge base version");
      json.writeEndArray();
      json.writeEndObject();
      json.writeArrayPropertyStart("extension");
      json.writeStartObject();
      json.writeStringProperty("url", MANAGEMENT_EXTENSION);
      json.writeStringProperty("valueString", finding.rule().management());
      json.writeEndObject();
      json.writeEndArray();
      json.writeArrayPropertyStart("identifier");
      json.writeStartObject();
      json.writeStringProperty("system", RULE_SYSTEM);
      json.writeStringProperty("value", finding.rule().id());
      json.writeEndObject();
      json.writeEndArray();
      json.writeStringProperty("status", "final");
      json.writeObjectPropertyStart("code");
      json.writeArrayPropertyStart("coding");
      coding(json, ACT_CODE, "DRG", "Drug Interaction Alert");
      json.writeEndArray();
      json.writeStringProperty("text", "Drug interaction");
      json.writeEndObject();
      json.writeStringProperty("severity", finding.severity() == Severity.MODERATE ? "moderate" : "high");
      json.writeObjectPropertyStart("patient");
      json.writeStringProperty("reference", "Patient/" + patientId);
      json.writeEndObject();
      json.writeStringProperty("identifiedDateTime", SECONDS_UTC.format(now));
      json.writeArrayPropertyStart("implicated");
      reference(json, "MedicationRequest/" + firstOrder, firstName);
      reference(json, "MedicationRequest/" + secondOrder, secondName);
      json.writeEndArray();
      json.writeStringProperty("detail", finding.rule().effect() + " " + finding.rule().mechanism());
      json.writeEndObject();
    }
    return text.toString();
  }

  private static void coding(JsonGenerator json, String system, String code, String display) {
    json.writeStartObject();
    json.writeStringProperty("system", system);
    json.writeStringProperty("code", code);
    json.writeStringProperty("display", display);
    json.writeEndObject();
  }

  private static void reference(JsonGenerator json, String reference, String display) {
    json.writeStartObject();
    json.writeStringProperty("reference", reference);
    json.writeStringProperty("display", display);
    json.writeEndObject();
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

  static AlertSeverity alertSeverity(Severity severity) {
    return severity == Severity.MODERATE ? AlertSeverity.MODERATE : AlertSeverity.HIGH;
  }
}
