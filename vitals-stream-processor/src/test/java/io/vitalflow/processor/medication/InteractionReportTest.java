package io.vitalflow.processor.medication;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.Severity;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The DetectedIssue JSON that {@link InteractionReport} writes by hand is exactly what HAPI's
 * encoder writes for the same model (the model the report built before), and HAPI's strict parser
 * reads it back.
 */
class InteractionReportTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Property(tries = 300)
  void theHandWrittenJsonIsHapisEncoding(
      @ForAll("ids") String id,
      @ForAll("ids") String patient,
      @ForAll("ids") String firstOrder,
      @ForAll("ids") String secondOrder,
      @ForAll("texts") String firstName,
      @ForAll("texts") String secondName,
      @ForAll("texts") String management,
      @ForAll("texts") String effect,
      @ForAll("texts") String mechanism,
      @ForAll Severity severity,
      @ForAll("instants") Instant now) {
    Rule rule =
        new Rule(
            "RULE-" + id.length(), severity, "a", "b", mechanism, effect, management, "source");
    Finding finding =
        new Finding(0, 1, Medication.rxcui("1"), Medication.rxcui("2"), 1, 2, rule, "kb-1+" + id);

    String written =
        InteractionReport.detectedIssueJson(
            id, patient, finding, firstOrder, firstName, secondOrder, secondName, now);

    String hapi =
        FHIR.newJsonParser()
            .encodeResourceToString(
                hapiModel(
                    id, patient, finding, firstOrder, firstName, secondOrder, secondName, now));
    assertThat(written).isEqualTo(hapi);
    IParser strict = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    DetectedIssue parsed = strict.parseResource(DetectedIssue.class, written);
    assertThat(parsed.getImplicated())
        .extracting(Reference::getDisplay)
        .containsExactly(firstName, secondName);
    assertThat(parsed.getDetail()).isEqualTo(effect + " " + mechanism);
  }

  /** The versions that retire an issue and the not-checked issue are HAPI's encoding too. */
  @Property(tries = 200)
  void retiringAndNotCheckedVersionsAreHapisEncoding(
      @ForAll("ids") String id,
      @ForAll("ids") String patient,
      @ForAll("ids") String order,
      @ForAll("texts") String label,
      @ForAll("instants") Instant identified,
      @ForAll("instants") Instant retired,
      @ForAll boolean enteredInError,
      @ForAll boolean stopped) {
    Rule rule =
        new Rule("RULE-1", Severity.MAJOR, "a", "b", "mechanism", "effect", "management", "source");
    Finding finding =
        new Finding(0, 1, Medication.rxcui("1"), Medication.rxcui("2"), 1, 2, rule, "kb-1");
    String ended = enteredInError ? "entered-in-error" : stopped ? "stopped" : OrderChange.DELETED;
    InteractionReport.Retirement retirement =
        InteractionReport.Retirement.of("MedicationRequest/" + order, ended, retired);

    DetectedIssue interaction =
        hapiModel(id, patient, finding, order, label, "mr-2", "b", identified);
    retire(interaction, retirement);
    assertThat(
            InteractionReport.detectedIssueJson(
                id, patient, finding, order, label, "mr-2", "b", identified, retirement))
        .isEqualTo(FHIR.newJsonParser().encodeResourceToString(interaction));

    DetectedIssue notChecked = new DetectedIssue();
    notChecked.setId(id);
    notChecked
        .getMeta()
        .addTag(InteractionReport.KB_SYSTEM, "kb-1", "interaction knowledge base version");
    notChecked.setStatus(DetectedIssue.DetectedIssueStatus.FINAL);
    notChecked.setCode(
        new CodeableConcept(
                new Coding(
                    InteractionReport.CHECK_SYSTEM,
                    InteractionReport.NOT_CHECKED,
                    "Drug interaction check not performed"))
            .setText("Drug interaction check not performed"));
    notChecked.setSeverity(DetectedIssue.DetectedIssueSeverity.MODERATE);
    notChecked.setPatient(new Reference("Patient/" + patient));
    notChecked.setIdentified(
        new DateTimeType(
            Date.from(identified), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
    notChecked.addImplicated(new Reference("MedicationRequest/" + order).setDisplay(label));
    String written =
        InteractionReport.notCheckedJson(id, patient, order, label, "kb-1", identified, null);
    notChecked.setDetail(
        FHIR.newJsonParser().parseResource(DetectedIssue.class, written).getDetail());
    assertThat(written).isEqualTo(FHIR.newJsonParser().encodeResourceToString(notChecked));
    retire(notChecked, retirement);
    assertThat(
            InteractionReport.notCheckedJson(
                id, patient, order, label, "kb-1", identified, retirement))
        .isEqualTo(FHIR.newJsonParser().encodeResourceToString(notChecked));
    FHIR.newJsonParser()
        .setParserErrorHandler(new StrictErrorHandler())
        .parseResource(DetectedIssue.class, written);
  }

  private static void retire(DetectedIssue issue, InteractionReport.Retirement retirement) {
    issue.setStatus(
        retirement.status().equals("entered-in-error")
            ? DetectedIssue.DetectedIssueStatus.ENTEREDINERROR
            : DetectedIssue.DetectedIssueStatus.CANCELLED);
    CodeableConcept action = new CodeableConcept().setText(retirement.text());
    if (retirement.stoppedTherapy()) {
      action.addCoding(new Coding(InteractionReport.ACT_CODE, "13", "Stopped Concurrent Therapy"));
    }
    issue
        .addMitigation()
        .setAction(action)
        .setDateElement(
            new DateTimeType(
                Date.from(retirement.at()),
                TemporalPrecisionEnum.SECOND,
                TimeZone.getTimeZone("UTC")));
  }

  @Test
  void aModerateRuleIsAModerateIssueAndEveryOtherIsHigh() {
    for (Severity severity : Severity.values()) {
      Rule rule = new Rule("R", severity, "a", "b", "m", "e", "x", "s");
      String json =
          InteractionReport.detectedIssueJson(
              "di-1",
              "p-1",
              new Finding(0, 1, Medication.rxcui("1"), Medication.rxcui("2"), 1, 2, rule, "kb"),
              "mr-1",
              "a",
              "mr-2",
              "b",
              Instant.EPOCH);
      assertThat(FHIR.newJsonParser().parseResource(DetectedIssue.class, json).getSeverity())
          .isEqualTo(
              severity == Severity.MODERATE
                  ? DetectedIssue.DetectedIssueSeverity.MODERATE
                  : DetectedIssue.DetectedIssueSeverity.HIGH);
    }
  }

  /** The model the report used to build and hand to HAPI's encoder. */
  private static DetectedIssue hapiModel(
      String id,
      String patientId,
      Finding finding,
      String firstOrder,
      String firstName,
      String secondOrder,
      String secondName,
      Instant now) {
    DetectedIssue issue = new DetectedIssue();
    issue.setId(id);
    issue
        .getMeta()
        .addTag(
            InteractionReport.KB_SYSTEM, finding.kbVersion(), "interaction knowledge base version");
    issue.addIdentifier().setSystem(InteractionReport.RULE_SYSTEM).setValue(finding.rule().id());
    issue.setStatus(DetectedIssue.DetectedIssueStatus.FINAL);
    issue.setCode(
        new CodeableConcept(new Coding(InteractionReport.ACT_CODE, "DRG", "Drug Interaction Alert"))
            .setText("Drug interaction"));
    issue.setSeverity(
        finding.severity() == Severity.MODERATE
            ? DetectedIssue.DetectedIssueSeverity.MODERATE
            : DetectedIssue.DetectedIssueSeverity.HIGH);
    issue.setPatient(new Reference("Patient/" + patientId));
    issue.setIdentified(
        new DateTimeType(
            Date.from(now), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
    issue.addImplicated(new Reference("MedicationRequest/" + firstOrder).setDisplay(firstName));
    issue.addImplicated(new Reference("MedicationRequest/" + secondOrder).setDisplay(secondName));
    issue.setDetail(finding.rule().effect() + " " + finding.rule().mechanism());
    issue.addExtension(
        InteractionReport.MANAGEMENT_EXTENSION, new StringType(finding.rule().management()));
    return issue;
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        .ofMinLength(1)
        .ofMaxLength(64);
  }

  /**
   * Drug names and rule texts: letters, digits, punctuation, quotes, backslashes, accents, CJK and
   * emoji.
   */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<Character> chars =
        Arbitraries.oneOf(
            Arbitraries.chars().alpha(),
            Arbitraries.chars().numeric(),
            Arbitraries.of(
                ' ', '"', '\\', '/', '<', '>', '&', '\'', '%', '+', '(', ')', 'é', 'ü', 'ß', '中',
                '\u00a0'));
    Arbitrary<String> plain =
        Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz").ofMinLength(1).ofMaxLength(3);
    return Arbitraries.oneOf(
            chars
                .list()
                .ofMinSize(1)
                .ofMaxSize(60)
                .map(
                    list -> {
                      StringBuilder text = new StringBuilder();
                      list.forEach(text::append);
                      return text.toString();
                    }),
            plain.map(
                p ->
                    p
                        + " \uD83D\uDC8A "
                        + p)) // a non-BMP character (pill emoji), as a surrogate pair
        .filter(text -> !text.isBlank() && text.strip().equals(text));
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs()
        .between(0, 4_102_444_799_999L)
        .map(Instant::ofEpochMilli); // 1970 .. 2099
  }
}
