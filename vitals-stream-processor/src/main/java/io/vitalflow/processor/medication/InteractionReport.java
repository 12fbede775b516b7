package io.vitalflow.processor.medication;

import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Severity;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
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
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Turns what the check found for one patient into what the stream emits: a FHIR {@code
 * DetectedIssue} command for {@code fhir.commands.v1} and an {@link Alert}. A new issue (an
 * interaction, or an order that could not be checked) is a conditional create with a deterministic
 * id (a replay finds it and writes nothing); retiring an issue is an update of the same id to a
 * version with status {@code cancelled} or {@code entered-in-error} and a {@code mitigation} that
 * says why, with an {@link AlertKind#ALERT_RESOLVED} alert naming the original alert.
 */
final class InteractionReport {

  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String RULE_SYSTEM = "https://vitalflow.io/fhir/interaction-rule";
  static final String KB_SYSTEM = "https://vitalflow.io/fhir/interaction-knowledge-base";
  static final String MANAGEMENT_EXTENSION =
      "https://vitalflow.io/fhir/StructureDefinition/interaction-management";

  /** VitalFlow's code system of medication-safety issues that HL7's ActCode has no code for. */
  static final String CHECK_SYSTEM = "https://vitalflow.io/fhir/CodeSystem/medication-safety";

  /**
   * {@code DetectedIssue.code} of an order whose medication could not be identified, so it was not
   * checked.
   */
  static final String NOT_CHECKED = "interaction-check-not-performed";

  /**
   * Alert attribute of an {@link AlertKind#ALERT_RESOLVED} alert: the id of the alert it resolves.
   */
  static final String RESOLVES = "resolves";

  /**
   * What an {@link AlertKind#ALERT_RESOLVED} alert's id adds to the id of the alert it resolves.
   */
  static final String RESOLVED_SUFFIX = "/resolved";

  /**
   * {@code ended} of an issue whose orders no longer give its interaction (e.g. an order's drug
   * changed).
   */
  static final String CHANGED = "changed";

  /**
   * {@code ended} of a not-checked issue whose order can now be checked (e.g. its medication was
   * corrected).
   */
  static final String CHECKED = "checked";

  /**
   * What one report emits: the command for {@code fhir.commands.v1} and the alert for {@code
   * alerts.v1} (null when the change needs none).
   */
  record Emitted(String issueId, FhirCommand command, Alert alert) {

    String commandKey() {
      return "DetectedIssue/" + issueId;
    }
  }

  /**
   * Why an issue was retired, written as its {@code mitigation}: the action (ActCode 13 "Stopped
   * Concurrent Therapy" when the order was stopped, completed or cancelled; text only otherwise)
   * and its date.
   */
  record Retirement(String status, boolean stoppedTherapy, String why, Instant at) {

    String text() {
      return "No longer applies: " + why;
    }

    static Retirement of(String orderReference, String ended, Instant at) {
      String why =
          switch (ended == null ? "" : ended) {
            case "stopped" -> orderReference + " was stopped";
            case "completed" -> orderReference + " was completed";
            case "cancelled" -> orderReference + " was cancelled";
            case "entered-in-error" -> orderReference + " was entered in error";
            case OrderChange.DELETED -> orderReference + " was deleted";
            case OrderReader.DO_NOT_PERFORM -> orderReference + " is marked do-not-perform";
            case "draft" -> orderReference + " went back to draft";
            case "unknown" -> orderReference + " has status unknown";
            case OrderChange.MOVED -> orderReference + " no longer concerns this patient";
            case CHANGED -> "the orders no longer give this interaction";
            case CHECKED -> orderReference + " can be checked now";
            default -> orderReference + " no longer counts";
          };
      boolean stopped =
          "stopped".equals(ended) || "completed".equals(ended) || "cancelled".equals(ended);
      return new Retirement(
          "entered-in-error".equals(ended) ? "entered-in-error" : "cancelled", stopped, why, at);
    }
  }

  /** Everything a DetectedIssue version says; null fields are left out. */
  private record Issue(
      String id,
      String patientId,
      String kbVersion,
      String management,
      String ruleId,
      String status,
      String codeSystem,
      String code,
      String codeDisplay,
      String codeText,
      String severity,
      Instant identified,
      String[] implicated,
      String detail,
      Retirement retirement) {}

  private static final JsonFactory JSON = new JsonFactory();

  /** What HAPI writes for a second-precision dateTime in UTC. */
  private static final DateTimeFormatter SECONDS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final int MAX_LABEL = 80;

  private final LongFunction<String> ingredientNames;

  InteractionReport(LongFunction<String> ingredientNames) {
    this.ingredientNames = ingredientNames;
  }

  /**
   * The same interaction pair for a patient, whichever orders and versions carry it: the two
   * triggering ingredients, lower RxCUI first.
   */
  static String pairKey(Finding finding) {
    long a = Math.min(finding.firstIngredient(), finding.secondIngredient());
    long b = Math.max(finding.firstIngredient(), finding.secondIngredient());
    return a + "+" + b;
  }

  /**
   * {@code di-} + 40 hex digits of SHA-256 over patient, pair (or {@code not-checked}), the orders
   * and the episode (where in {@code fhir.resources.v1} the change that raised it is): stable under
   * replay, new when the pair comes back through other orders or after it was retired.
   */
  static String issueId(
      String patientId, String pairKey, String firstOrder, String secondOrder, String episode) {
    String a = firstOrder.compareTo(secondOrder) <= 0 ? firstOrder : secondOrder;
    String b = a.equals(firstOrder) ? secondOrder : firstOrder;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  String.join("\n", patientId, pairKey, a, b, episode)
                      .getBytes(StandardCharsets.UTF_8));
      return "di-" + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * A new interaction: conditional create of a {@code final} DetectedIssue and a DRUG_INTERACTION
   * alert.
   */
  Emitted report(
      String patientId,
      Finding finding,
      String firstOrder,
      String secondOrder,
      String episode,
      Instant now) {
    String id = issueId(patientId, pairKey(finding), firstOrder, secondOrder, episode);
    Named named = named(finding, firstOrder, secondOrder);
    String json =
        detectedIssueJson(
            id,
            patientId,
            finding,
            named.firstOrder,
            named.firstName,
            named.secondOrder,
            named.secondName,
            now);
    String severity = finding.severity().name().toLowerCase(Locale.ROOT);
    Alert alert =
        Alert.newBuilder()
            .setAlertId(id)
            .setPatientId(patientId)
            .setKind(AlertKind.DRUG_INTERACTION)
            .setSeverity(alertSeverity(finding.severity()))
            .setRaisedAt(now)
            .setTitle(
                "Drug interaction: "
                    + named.firstName
                    + " + "
                    + named.secondName
                    + " ("
                    + severity
                    + ")")
            .setDetectedIssue(json)
            .setAttributes(
                Map.of(
                    "rule",
                    finding.rule().id(),
                    "kbVersion",
                    finding.kbVersion(),
                    "detectedIssue",
                    "DetectedIssue/" + id,
                    "interactionSeverity",
                    severity))
            .build();
    return new Emitted(id, create(id, json, now), alert);
  }

  /**
   * Retires an interaction issue: an update to a version whose status says it no longer applies,
   * and an ALERT_RESOLVED alert. {@code finding} is the interaction found again for the issue's two
   * orders (so the new version keeps the rule, severity, detail and names); null when it could not
   * be (the version then says less).
   */
  Emitted retire(
      String patientId,
      PatientMedications.Reported issue,
      Finding finding,
      String ended,
      String endedOrder,
      Instant now) {
    Retirement retirement = Retirement.of("MedicationRequest/" + endedOrder, ended, now);
    String json;
    String title;
    if (finding != null) {
      Named named = named(finding, issue.firstOrder(), issue.secondOrder());
      json =
          json(
              interaction(
                  issue.issueId(), patientId, finding, named, issue.identified(), retirement));
      title = "Resolved: drug interaction " + named.firstName + " + " + named.secondName;
    } else {
      json =
          json(
              new Issue(
                  issue.issueId(),
                  patientId,
                  null,
                  null,
                  null,
                  retirement.status(),
                  ACT_CODE,
                  "DRG",
                  "Drug Interaction Alert",
                  "Drug interaction",
                  null,
                  issue.identified(),
                  new String[] {
                    "MedicationRequest/" + issue.firstOrder(),
                    null,
                    "MedicationRequest/" + issue.secondOrder(),
                    null
                  },
                  null,
                  retirement));
      title = "Resolved: drug interaction";
    }
    return resolved(
        patientId, issue.issueId(), json, title + " (" + retirement.why() + ")", ended, now);
  }

  /**
   * An open interaction issue whose pair goes on through other orders after one of its orders
   * ended: an update to a version with status {@code amended} implicating the orders that carry it
   * now; no alert (its alert stands).
   */
  Emitted amend(
      String patientId,
      PatientMedications.Reported issue,
      Finding finding,
      String firstOrder,
      String secondOrder,
      Instant now) {
    Named named = named(finding, firstOrder, secondOrder);
    Issue amended =
        interaction(issue.issueId(), patientId, finding, named, issue.identified(), null);
    String json =
        json(
            new Issue(
                amended.id(),
                patientId,
                amended.kbVersion(),
                amended.management(),
                amended.ruleId(),
                "amended",
                ACT_CODE,
                "DRG",
                "Drug Interaction Alert",
                "Drug interaction",
                amended.severity(),
                amended.identified(),
                amended.implicated(),
                amended.detail(),
                null));
    FhirCommand command =
        FhirCommand.newBuilder()
            .setRequestId(
                "interaction-amend-" + issue.issueId() + "-" + firstOrder + "-" + secondOrder)
            .setResourceType("DetectedIssue")
            .setResourceId(issue.issueId())
            .setOperation(FhirOperation.UPDATE)
            .setResource(json)
            .setReceivedAt(now)
            .build();
    return new Emitted(issue.issueId(), command, null);
  }

  /**
   * An order whose medication could not be identified: conditional create of a {@code final}
   * DetectedIssue coded {@value #NOT_CHECKED} implicating the order, and a MEDICATION_NOT_CHECKED
   * alert.
   */
  Emitted notChecked(
      String patientId,
      String orderId,
      Medication medication,
      String kbVersion,
      String episode,
      Instant now) {
    String id = issueId(patientId, "not-checked", orderId, "", episode);
    String label = label(medication);
    String json = json(notCheckedIssue(id, patientId, orderId, label, kbVersion, now, null));
    Alert alert =
        Alert.newBuilder()
            .setAlertId(id)
            .setPatientId(patientId)
            .setKind(AlertKind.MEDICATION_NOT_CHECKED)
            .setSeverity(AlertSeverity.MODERATE)
            .setRaisedAt(now)
            .setTitle("Drug interactions not checked: " + label)
            .setDetectedIssue(json)
            .setAttributes(Map.of("kbVersion", kbVersion, "detectedIssue", "DetectedIssue/" + id))
            .build();
    return new Emitted(id, create(id, json, now), alert);
  }

  /** Retires a not-checked issue (its order stopped, or can be checked now). */
  Emitted retireNotChecked(
      String patientId,
      PatientMedications.Reported issue,
      Medication medication,
      String kbVersion,
      String ended,
      Instant now) {
    Retirement retirement = Retirement.of("MedicationRequest/" + issue.firstOrder(), ended, now);
    String label = label(medication);
    String json =
        json(
            notCheckedIssue(
                issue.issueId(),
                patientId,
                issue.firstOrder(),
                label,
                kbVersion,
                issue.identified(),
                retirement));
    return resolved(
        patientId,
        issue.issueId(),
        json,
        "Resolved: drug interactions not checked: " + label,
        ended,
        now);
  }

  /**
   * The retiring command, and the alert resolving the issue's alert: it names the DetectedIssue in
   * its attributes but does not carry its JSON (the dashboard needs only which alert it resolves;
   * FHIR has the version).
   */
  private static Emitted resolved(
      String patientId, String issueId, String json, String title, String ended, Instant now) {
    FhirCommand command =
        FhirCommand.newBuilder()
            .setRequestId("interaction-retire-" + issueId)
            .setResourceType("DetectedIssue")
            .setResourceId(issueId)
            .setOperation(FhirOperation.UPDATE)
            .setResource(json)
            .setReceivedAt(now)
            .build();
    Alert alert =
        Alert.newBuilder()
            .setAlertId(issueId + RESOLVED_SUFFIX)
            .setPatientId(patientId)
            .setKind(AlertKind.ALERT_RESOLVED)
            .setSeverity(AlertSeverity.INFO)
            .setRaisedAt(now)
            .setTitle(title)
            .setAttributes(
                Map.of(
                    RESOLVES,
                    issueId,
                    "detectedIssue",
                    "DetectedIssue/" + issueId,
                    "reason",
                    ended == null ? "unknown" : ended))
            .build();
    return new Emitted(issueId, command, alert);
  }

  private static FhirCommand create(String id, String json, Instant now) {
    return FhirCommand.newBuilder()
        .setRequestId("interaction-" + id)
        .setResourceType("DetectedIssue")
        .setResourceId(id)
        .setOperation(FhirOperation.CREATE)
        .setIfNoneExist("_id=" + id)
        .setResource(json)
        .setReceivedAt(now)
        .build();
  }

  /**
   * The two orders and drug names of a finding in the rule's order (warfarin + ibuprofen), whatever
   * the list's.
   */
  private record Named(
      String firstOrder, String firstName, String secondOrder, String secondName) {}

  private Named named(Finding finding, String firstOrder, String secondOrder) {
    boolean swap =
        names(finding.rule().a(), finding.secondIngredient())
            || names(finding.rule().b(), finding.firstIngredient());
    long firstIngredient = swap ? finding.secondIngredient() : finding.firstIngredient();
    long secondIngredient = swap ? finding.firstIngredient() : finding.secondIngredient();
    String firstName =
        name(firstIngredient, swap ? finding.secondMedication() : finding.firstMedication());
    String secondName =
        name(secondIngredient, swap ? finding.firstMedication() : finding.secondMedication());
    return swap
        ? new Named(secondOrder, firstName, firstOrder, secondName)
        : new Named(firstOrder, firstName, secondOrder, secondName);
  }

  /** What a clinician reads for an order's medication: its name, else its code; bounded. */
  static String label(Medication medication) {
    String label =
        medication == null
            ? "medication not known"
            : medication.name() != null
                ? medication.name()
                : medication.rxcui() != null
                    ? "RxNorm " + medication.rxcui()
                    : "medication without RxNorm code or name";
    return label.length() <= MAX_LABEL ? label : label.substring(0, MAX_LABEL - 1) + "\u2026";
  }

  /**
   * The DetectedIssue JSON, written directly: the same text HAPI's encoder gives for the same model
   * (element order of the R4 definition, {@code InteractionReportTest} compares them), at a
   * fraction of the cost; HAPI's model and encoder were the largest share of the check step's time.
   */
  static String detectedIssueJson(
      String id,
      String patientId,
      Finding finding,
      String firstOrder,
      String firstName,
      String secondOrder,
      String secondName,
      Instant now) {
    return json(
        interaction(
            id,
            patientId,
            finding,
            new Named(firstOrder, firstName, secondOrder, secondName),
            now,
            null));
  }

  /**
   * An interaction's DetectedIssue; {@code retirement} null for the first, {@code final} version.
   */
  static String detectedIssueJson(
      String id,
      String patientId,
      Finding finding,
      String firstOrder,
      String firstName,
      String secondOrder,
      String secondName,
      Instant identified,
      Retirement retirement) {
    return json(
        interaction(
            id,
            patientId,
            finding,
            new Named(firstOrder, firstName, secondOrder, secondName),
            identified,
            retirement));
  }

  /** A not-checked DetectedIssue; {@code retirement} null for the first, {@code final} version. */
  static String notCheckedJson(
      String id,
      String patientId,
      String orderId,
      String label,
      String kbVersion,
      Instant identified,
      Retirement retirement) {
    return json(notCheckedIssue(id, patientId, orderId, label, kbVersion, identified, retirement));
  }

  private static Issue interaction(
      String id,
      String patientId,
      Finding finding,
      Named named,
      Instant identified,
      Retirement retirement) {
    return new Issue(
        id,
        patientId,
        finding.kbVersion(),
        finding.rule().management(),
        finding.rule().id(),
        retirement == null ? "final" : retirement.status(),
        ACT_CODE,
        "DRG",
        "Drug Interaction Alert",
        "Drug interaction",
        finding.severity() == Severity.MODERATE ? "moderate" : "high",
        identified,
        new String[] {
          "MedicationRequest/" + named.firstOrder,
          named.firstName,
          "MedicationRequest/" + named.secondOrder,
          named.secondName
        },
        finding.rule().effect() + " " + finding.rule().mechanism(),
        retirement);
  }

  private static Issue notCheckedIssue(
      String id,
      String patientId,
      String orderId,
      String label,
      String kbVersion,
      Instant identified,
      Retirement retirement) {
    return new Issue(
        id,
        patientId,
        kbVersion,
        null,
        null,
        retirement == null ? "final" : retirement.status(),
        CHECK_SYSTEM,
        NOT_CHECKED,
        "Drug interaction check not performed",
        "Drug interaction check not performed",
        "moderate",
        identified,
        new String[] {"MedicationRequest/" + orderId, label},
        "The medication of this order ("
            + label
            + ") matches no RxNorm code or name of the interaction knowledge"
            + " base, so it was not checked for interactions with the patient's other active orders. Check it"
            + " by other means.",
        retirement);
  }

  private static String json(Issue issue) {
    StringWriter text = new StringWriter(1024);
    try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), text)) {
      json.writeStartObject();
      json.writeStringProperty("resourceType", "DetectedIssue");
      json.writeStringProperty("id", issue.id());
      if (issue.kbVersion() != null) {
        json.writeObjectPropertyStart("meta");
        json.writeArrayPropertyStart("tag");
        coding(json, KB_SYSTEM, issue.kbVersion(), "interaction knowledge base version");
        json.writeEndArray();
        json.writeEndObject();
      }
      if (issue.management() != null) {
        json.writeArrayPropertyStart("extension");
        json.writeStartObject();
        json.writeStringProperty("url", MANAGEMENT_EXTENSION);
        json.writeStringProperty("valueString", issue.management());
        json.writeEndObject();
        json.writeEndArray();
      }
      if (issue.ruleId() != null) {
        json.writeArrayPropertyStart("identifier");
        json.writeStartObject();
        json.writeStringProperty("system", RULE_SYSTEM);
        json.writeStringProperty("value", issue.ruleId());
        json.writeEndObject();
        json.writeEndArray();
      }
      json.writeStringProperty("status", issue.status());
      json.writeObjectPropertyStart("code");
      json.writeArrayPropertyStart("coding");
      coding(json, issue.codeSystem(), issue.code(), issue.codeDisplay());
      json.writeEndArray();
      json.writeStringProperty("text", issue.codeText());
      json.writeEndObject();
      if (issue.severity() != null) {
        json.writeStringProperty("severity", issue.severity());
      }
      json.writeObjectPropertyStart("patient");
      json.writeStringProperty("reference", "Patient/" + issue.patientId());
      json.writeEndObject();
      json.writeStringProperty("identifiedDateTime", SECONDS_UTC.format(issue.identified()));
      json.writeArrayPropertyStart("implicated");
      for (int i = 0; i < issue.implicated().length; i += 2) {
        reference(json, issue.implicated()[i], issue.implicated()[i + 1]);
      }
      json.writeEndArray();
      if (issue.detail() != null) {
        json.writeStringProperty("detail", issue.detail());
      }
      Retirement retirement = issue.retirement();
      if (retirement != null) {
        json.writeArrayPropertyStart("mitigation");
        json.writeStartObject();
        json.writeObjectPropertyStart("action");
        if (retirement.stoppedTherapy()) {
          json.writeArrayPropertyStart("coding");
          coding(json, ACT_CODE, "13", "Stopped Concurrent Therapy");
          json.writeEndArray();
        }
        json.writeStringProperty("text", retirement.text());
        json.writeEndObject();
        json.writeStringProperty("date", SECONDS_UTC.format(retirement.at()));
        json.writeEndObject();
        json.writeEndArray();
      }
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
    if (display != null) {
      json.writeStringProperty("display", display);
    }
    json.writeEndObject();
  }

  /**
   * Whether a rule side ({@code 11289}, {@code warfarin} or {@code class:NSAID}) names this very
   * ingredient.
   */
  private boolean names(String side, long ingredient) {
    return side != null
        && (side.equals(Long.toString(ingredient))
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
