package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.FhirHttp.XML;
import static io.vitalflow.fhir.http.FhirHttp.assertOutcome;
import static io.vitalflow.fhir.http.FhirHttp.json;
import static io.vitalflow.fhir.http.FhirHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative.NarrativeStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies a hostile or careless client sends, against the real broker and PostgreSQL: each gets a
 * clear error before anything reaches Kafka (or, for a value longer than an index entry, is stored
 * and searchable), and the server keeps serving normal writes afterwards.
 */
class HostileInputTest {

  private static final String XHTML = "xmlns=\"http://www.w3.org/1999/xhtml\"";

  /** Small, so the 422 test needs no megabyte bodies; far above the 9,000-character name. */
  private static final int MAX_STRING_LENGTH = 20_000;

  private static FhirServer server;
  private static FhirHttp http;

  @BeforeAll
  static void start() throws Exception {
    server =
        FhirServer.start("fhir_hostile", "--vitalflow.fhir.max-string-length=" + MAX_STRING_LENGTH);
    http = new FhirHttp(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Test");
    return patient;
  }

  /** Creates a Patient (read-your-writes: 201 only once it is readable) and returns its id. */
  private static String created(String body) {
    HttpResponse<String> created = http.post("/Patient", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return parse(Patient.class, created).getIdElement().getIdPart();
  }

  private static void stillWorks() {
    String id = created(json(patient("Normal")));
    assertThat(http.get("/Patient/" + id).statusCode()).isEqualTo(200);
  }

  /**
   * Random letters: a repeated letter compresses below PostgreSQL's index entry limit and would not
   * fail.
   */
  private static String letters(int count) {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      text.append((char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
    }
    return text.toString();
  }

  // --- finding 1: a value longer than an index entry stopped every later write

  @Test
  void aNineThousandCharacterFamilyNameIsStoredAndLaterWritesStillWork() {
    String family = letters(9_000);
    String id = created(json(patient(family)));
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getNameFirstRep().getFamily())
        .isEqualTo(family);
    stillWorks();
    Bundle found = parse(Bundle.class, http.get("/Patient?family=" + family.substring(0, 30)));
    assertThat(found.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(id);
  }

  @Test
  void aValueLongerThanTheSettingIs422NamingTheElement() {
    OperationOutcome outcome =
        assertOutcome(http.post("/Patient", json(patient("x".repeat(MAX_STRING_LENGTH + 1)))), 422);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .contains("Patient.name[0].family", "max-string-length")
        .doesNotContain("xxxx");
  }

  @Test
  void tooManySearchableValuesAre422() {
    Patient patient = patient("Many");
    for (int i = 0; i < 1001; i++) {
      patient.addIdentifier().setSystem("urn:many").setValue(Integer.toString(i));
    }
    assertThat(
            assertOutcome(http.post("/Patient", json(patient)), 422)
                .getIssueFirstRep()
                .getDiagnostics())
        // 1001 identifiers, the name (name, family, phonetic), gender... of every R4 parameter
        .contains("1008 searchable values", "max-index-entries");
  }

  // --- finding 6: duplicate keys

  @Test
  void duplicateKeysAre400NamingTheKeyInResourcesAndBundles() {
    String twice =
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Alice\",\"family\":\"Mallory\"}]}";
    OperationOutcome outcome = assertOutcome(http.post("/Patient", twice), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .contains("'family'", "/name/0/family", "line 1")
        .doesNotContain("Mallory");
    assertOutcome(
        http.put("/Patient/dup", "{\"resourceType\":\"Patient\",\"id\":\"dup\",\"id\":\"other\"}"),
        400);
    String bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"Patient\",\"gender\":\"male\",\"gender\":\"female\"},"
            + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
    assertThat(assertOutcome(http.post("", bundle), 400).getIssueFirstRep().getDiagnostics())
        .contains("'gender'", "/entry/0/resource/gender");
    assertOutcome(
        http.post(
            "/Parameters",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"a\","
                + "\"valueString\":\"x\",\"name\":\"b\"}]}"),
        400);
    stillWorks();
  }

  // --- finding 7: active content in narratives

  private static String withNarrative(String div) {
    return "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\""
        + div.replace("\"", "\\\"")
        + "\"},\"name\":[{\"family\":\"Narrated\"}]}";
  }

  @Test
  void activeContentInANarrativeIs422NamingThePath() {
    for (String div :
        List.of(
            "<div " + XHTML + "><p>Hi</p><script>alert(1)</script></div>",
            "<div " + XHTML + "><p onclick=\"alert(1)\">Hi</p></div>",
            "<div " + XHTML + "><a href=\"javascript:alert(1)\">Hi</a></div>",
            "<div " + XHTML + "><p>Hi</p><iframe src=\"https://evil.example/\"></iframe></div>")) {
      OperationOutcome outcome = assertOutcome(http.post("/Patient", withNarrative(div)), 422);
      assertThat(outcome.getIssueFirstRep().getDiagnostics())
          .as(div)
          .contains("Patient.text.div", "txt-1");
    }
    Patient xml = patient("Xml");
    xml.getText()
        .setStatus(NarrativeStatus.GENERATED)
        .setDivAsString("<div " + XHTML + "><p>x</p><script>x</script>" + "</div>");
    assertOutcome(
        http.post(
            "/Patient",
            FhirHttp.FHIR.newXmlParser().encodeResourceToString(xml),
            "Content-Type",
            XML),
        422);
    String bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + withNarrative("<div " + XHTML + "><p onmouseover=\"x()\">Hi</p></div>")
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
    assertThat(assertOutcome(http.post("", bundle), 422).getIssueFirstRep().getDiagnostics())
        .contains("Bundle.entry[0].resource.text.div", "onmouseover");
    // a batch checks each entry on its own (issue 16): that entry alone is the 422
    HttpResponse<String> batch = http.post("", bundle.replace("\"transaction\"", "\"batch\""));
    assertThat(batch.statusCode()).isEqualTo(200);
    Bundle.BundleEntryResponseComponent entry =
        FhirHttp.parse(Bundle.class, batch).getEntryFirstRep().getResponse();
    assertThat(entry.getStatus()).startsWith("422");
    assertThat(((OperationOutcome) entry.getOutcome()).getIssueFirstRep().getDiagnostics())
        .contains("Patient.text.div", "onmouseover");
  }

  @Test
  void aRichNarrativeIsStoredAsSent() {
    String rich =
        "<div "
            + XHTML
            + "><h2>Summary</h2><table border=\"1\"><tbody><tr><th>Drug</th><td>5 mg</td>"
            + "</tr></tbody></table><ul><li><a href=\"https://hl7.org/fhir\">spec</a></li></ul>"
            + "<p><img src=\"https://example.org/x.png\" alt=\"x\"/> <b>bold</b></p></div>";
    String id = created(withNarrative(rich));
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getText().getDivAsString())
        .contains("<table", "<img", "https://hl7.org/fhir");
  }

  // --- finding 8: deep XML (and JSON), entities

  @Test
  void deepXmlIs400AndTheServerKeepsWorking() {
    String extensions =
        "<Patient xmlns=\"http://hl7.org/fhir\">"
            + "<extension url=\"u\">".repeat(20_000)
            + "</extension>".repeat(20_000)
            + "</Patient>";
    assertThat(
            assertOutcome(http.post("/Patient", extensions, "Content-Type", XML), 400)
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("deeper than 100");
    String div =
        "<Patient xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/><div "
            + XHTML
            + ">"
            + "<span>".repeat(20_000)
            + "x"
            + "</span>".repeat(20_000)
            + "</div></text></Patient>";
    assertOutcome(http.post("/Patient", div, "Content-Type", XML), 400);
    stillWorks();
  }

  @Test
  void deepJsonIncludingANarrativeIs400() {
    String nested =
        "{\"resourceType\":\"Patient\",\"extension\":["
            + "{\"url\":\"u\",\"extension\":[".repeat(5_000)
            + "]}".repeat(5_000)
            + "]}";
    assertThat(
            assertOutcome(http.post("/Patient", nested), 400).getIssueFirstRep().getDiagnostics())
        .contains("deeper than 100");
    String div =
        "<div " + XHTML + ">" + "<span>".repeat(20_000) + "x" + "</span>".repeat(20_000) + "</div>";
    assertThat(
            assertOutcome(http.post("/Patient", withNarrative(div)), 400)
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("narrative", "deeper than 100");
    stillWorks();
  }

  @Test
  void xmlWithADtdIs400() {
    String laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2"
            + " \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><Patient xmlns=\"http://hl7.org/fhir\">"
            + "<name><family value=\"&lol2;\"/></name></Patient>";
    assertThat(
            assertOutcome(http.post("/Patient", laughs, "Content-Type", XML), 400)
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("DOCTYPE");
  }
}
