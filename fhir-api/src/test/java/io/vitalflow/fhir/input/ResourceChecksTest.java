package io.vitalflow.fhir.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative.NarrativeStatus;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class ResourceChecksTest {

  private static final String XHTML = "xmlns=\"http://www.w3.org/1999/xhtml\"";
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final ResourceChecks checks = new ResourceChecks(1000, 50);

  /** A Patient with this narrative, as a client would send it (parsed from JSON). */
  private static Patient withNarrative(String div) {
    Patient patient = new Patient();
    patient.getText().setStatus(NarrativeStatus.GENERATED).setDivAsString(div);
    return (Patient)
        FHIR.newJsonParser().parseResource(FHIR.newJsonParser().encodeResourceToString(patient));
  }

  private List<String> problems(Resource resource) {
    try {
      checks.check(resource);
      return List.of();
    } catch (InputRejected e) {
      assertThat(e.kind()).isEqualTo(InputRejected.Kind.INVALID);
      return e.problems();
    }
  }

  @Test
  void activeContentInANarrativeIsRejectedWithItsPath() {
    assertThat(
            problems(withNarrative("<div " + XHTML + "><p>Hi</p><script>alert(1)</script></div>")))
        .singleElement()
        .asString()
        .contains("Patient.text.div", "<script>", "txt-1");
    assertThat(problems(withNarrative("<div " + XHTML + "><p onclick=\"steal()\">Hi</p></div>")))
        .singleElement()
        .asString()
        .contains("'onclick'", "<p>", "event attributes");
    assertThat(
            problems(
                withNarrative("<div " + XHTML + "><a href=\" JavaScript:steal()\">Hi</a></div>")))
        .singleElement()
        .asString()
        .contains("javascript: URL", "'href'");
    assertThat(
            problems(
                withNarrative(
                    "<div " + XHTML + "><p>Hi</p><iframe src=\"https://evil.example\"/></div>")))
        .singleElement()
        .asString()
        .contains("<iframe>");
    for (String element : List.of("form", "object", "embed", "base", "link", "style")) {
      assertThat(problems(withNarrative("<div " + XHTML + "><p>Hi</p><" + element + "/></div>")))
          .as(element)
          .singleElement()
          .asString()
          .contains("<" + element + ">");
    }
    // character references and control characters do not hide the scheme (browsers drop them)
    assertThat(
            problems(
                withNarrative(
                    "<div " + XHTML + "><a href=\"&#106;ava&#x09;script&#58;x()\">Hi</a></div>")))
        .singleElement()
        .asString()
        .contains("javascript: URL");
    assertThat(
            problems(withNarrative("<div " + XHTML + "><a href=\"data:text/html,x\">Hi</a></div>")))
        .hasSize(1);
    assertThat(
            problems(
                withNarrative(
                    "<div " + XHTML + "><p style=\"width: expression(alert(1))\">Hi</p></div>")))
        .hasSize(1);
    assertThat(
            problems(
                withNarrative(
                    "<div "
                        + XHTML
                        + "><p style=\"background: url('javascript:x')\">Hi</p>"
                        + "</div>")))
        .hasSize(1);
  }

  @Test
  void aRichNarrativePasses() {
    String rich =
        "<div "
            + XHTML
            + " lang=\"en\"><h1 class=\"t\">Summary</h1>"
            + "<table border=\"1\" cellpadding=\"2\"><thead><tr><th scope=\"col\">Drug</th><th>Dose</th></tr></thead>"
            + "<tbody><tr><td style=\"color: red; background-image: url(data: image/png;base64,iVBORw0KGgo=)\">A</td>"
            + "<td colspan=\"1\">5 mg</td></tr></tbody></table>"
            + "<ul><li><a href=\"https://hl7.org/fhir\" title=\"FHIR\">spec</a></li><li><a name=\"x\">anchor</a></li>"
            + "<li><a href=\"#x\">local</a>, <a href=\"mailto:a@example.org\">mail</a></li></ul>"
            + "<ol><li>one<br/>two</li></ol><p><img src=\"https://example.org/x.png\" alt=\"x\"/>"
            + "<img src=\"data:image/png;base64,iVBORw0KGgo=\"/> <b>b</b> <i>i</i> <span>s</span> <sub>1</sub></p>"
            + "<!-- a comment --><pre xml:space=\"preserve\">code</pre></div>";
    assertThat(problems(withNarrative(rich))).isEmpty();
  }

  @Test
  void anEmptyNarrativeIsRejected() {
    assertThat(problems(withNarrative("<div " + XHTML + ">  <p> </p></div>")))
        .singleElement()
        .asString()
        .contains("txt-2");
    Patient noDiv = new Patient();
    noDiv.getText().setStatus(NarrativeStatus.GENERATED);
    assertThat(problems(noDiv)).singleElement().asString().contains("Patient.text.div", "txt-2");
    assertThat(
            problems(
                withNarrative("<div " + XHTML + "><img src=\"https://example.org/x.png\"/></div>")))
        .isEmpty();
  }

  @Test
  void narrativesOfContainedResourcesAndBundleEntriesAreChecked() {
    Medication medication = new Medication();
    medication.setId("med");
    medication
        .getText()
        .setStatus(NarrativeStatus.GENERATED)
        .setDivAsString("<div " + XHTML + "><p onmouseover=\"x()\">m</p></div>");
    MedicationRequest request = new MedicationRequest();
    request.addContained(medication);
    assertThat(problems(request))
        .singleElement()
        .asString()
        .contains("MedicationRequest.contained[0].text.div");

    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle.addEntry().setResource(new Patient());
    bundle.addEntry().setResource(withNarrative("<div " + XHTML + "><script>x</script></div>"));
    assertThat(problems(bundle))
        .singleElement()
        .asString()
        .contains("Bundle.entry[1].resource.text.div");
  }

  @Test
  void longValuesAreRejectedWithTheirPathButBase64IsLeftToTheBodyLimit() {
    Patient patient = new Patient();
    patient.addName().setFamily("x".repeat(1001)).addGiven("ok");
    patient.addName().addGiven("y".repeat(5000));
    assertThat(problems(patient))
        .containsExactly(
            "Patient.name[0].family has 1001 characters; at most 1000 are allowed (vitalflow.fhir.max-string-length)",
            "Patient.name[1].given[0] has 5000 characters; at most 1000 are allowed (vitalflow.fhir.max-string-length)");
    DocumentReference document = new DocumentReference();
    document.addContent().setAttachment(new Attachment().setData(new byte[10_000]));
    assertThat(problems(document)).isEmpty();
  }

  @Test
  void searchableValuesPerResourceAreBounded() {
    Patient patient = new Patient();
    // 50 identifiers and the deceased token (false when absent: the R4 expression)
    for (int i = 0; i < 50; i++) {
      patient.addIdentifier().setSystem("urn:x").setValue("v" + i);
    }
    assertThat(problems(patient))
        .singleElement()
        .asString()
        .contains("51 searchable values", "at most 50");
    patient.getIdentifier().remove(0);
    assertThatCode(() -> checks.check(patient)).doesNotThrowAnyException();
  }
}
