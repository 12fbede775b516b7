package io.vitalflow.fhir.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import org.junit.jupiter.api.Test;

class BodyScanTest {

  private final BodyScan scan = new BodyScan(100);

  private static String rejection(Runnable scanning) {
    try {
      scanning.run();
    } catch (InputRejected e) {
      assertThat(e.kind()).isEqualTo(InputRejected.Kind.MALFORMED);
      return e.getMessage();
    }
    throw new AssertionError("not rejected");
  }

  @Test
  void duplicateKeysAreRejectedWithKeyPathAndLine() {
    String body =
        "{\"resourceType\":\"Patient\",\n\"name\":[{\"family\":\"Alpha\",\n\"family\":\"Beta\"}]}";
    String message = rejection(() -> scan.json(body));
    assertThat(message)
        .contains("Duplicate JSON key 'family'", "'/name/0/family'", "line 3")
        .doesNotContain("Alpha", "Beta");
    assertThat(
            rejection(() -> scan.json("{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}")))
        .contains("'id'", "'/id'");
  }

  @Test
  void theSameKeyInDifferentObjectsIsFine() {
    assertThatCode(
            () ->
                scan.json(
                    "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"A\"},{\"family\":\"B\"}],"
                        + "\"contact\":[{\"name\":{\"family\":\"C\"}}]}"))
        .doesNotThrowAnyException();
  }

  @Test
  void jsonNestingIsBounded() {
    String deep = "{\"a\":".repeat(101) + "1" + "}".repeat(101);
    assertThat(rejection(() -> scan.json(deep))).contains("deeper than 100", "max-depth");
    String ok = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatCode(() -> scan.json(ok)).doesNotThrowAnyException();
    String huge = "[".repeat(20_000) + "]".repeat(20_000);
    assertThat(rejection(() -> scan.json(huge))).contains("deeper than 100");
  }

  @Test
  void theXhtmlOfAJsonNarrativeCountsToo() {
    String div =
        "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
            + "<span>".repeat(20_000)
            + "x"
            + "</span>".repeat(20_000)
            + "</div>";
    String body =
        "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\""
            + div
            + "\"}}";
    assertThat(rejection(() -> scan.json(body)))
        .contains("narrative", "/text/div", "deeper than 100");
    // void elements and self-closing tags do not nest; quotes may hold '>'
    String flat =
        "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
            + "<br><img src='a>b'/><p>x</p>".repeat(500)
            + "</div>";
    assertThatCode(() -> scan.json("{\"text\":{\"div\":\"" + flat + "\"}}"))
        .doesNotThrowAnyException();
  }

  @Test
  void declarationsInANarrativeAreRejected() {
    String laughs =
        "<!DOCTYPE d [<!ENTITY a \\\"aaaaaaaaaa\\\"><!ENTITY b \\\"&a;&a;&a;&a;&a;&a;&a;\\\">]>"
            + "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">&b;</div>";
    assertThat(
            rejection(
                () ->
                    scan.json("{\"text\":{\"status\":\"generated\",\"div\":\"" + laughs + "\"}}")))
        .contains("declaration");
  }

  @Test
  void syntaxErrorsSayWhereNotWhat() {
    assertThat(rejection(() -> scan.json("{\"resourceType\": secret}")))
        .contains("not valid JSON", "line 1")
        .doesNotContain("secret");
    assertThat(rejection(() -> scan.json("{\"a\": ["))).contains("not valid JSON");
  }

  @Test
  void xmlNestingIsBounded() {
    String deep =
        "<Patient xmlns=\"http://hl7.org/fhir\">"
            + "<extension url=\"u\">".repeat(20_000)
            + "</extension>".repeat(20_000)
            + "</Patient>";
    assertThat(rejection(() -> scan.xml(deep))).contains("deeper than 100", "<extension>");
    String div =
        "<Patient xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/>"
            + "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
            + "<span>".repeat(200)
            + "x"
            + "</span>".repeat(200)
            + "</div></text></Patient>";
    assertThat(rejection(() -> scan.xml(div))).contains("<span>");
  }

  @Test
  void xmlMayHaveNoDtdAtAll() {
    String laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2"
            + " \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><Patient xmlns=\"http://hl7.org/fhir\">"
            + "<gender value=\"&lol2;\"/></Patient>";
    assertThat(rejection(() -> scan.xml(laughs))).contains("DOCTYPE");
    String external =
        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
            + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&x;\"/></name></Patient>";
    assertThat(rejection(() -> scan.xml(external))).contains("DOCTYPE");
    assertThat(
            rejection(
                () ->
                    scan.xml(
                        "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"&ghost;\"/>"
                            + "</Patient>")))
        .isNotBlank();
    assertThat(rejection(() -> scan.xml("<Patient xmlns=\"http://hl7.org/fhir\"><gender")))
        .contains("XML");
  }

  @Test
  void ordinaryResourcesPass() {
    FhirContext fhir = FhirContext.forR4Cached();
    org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
    patient.addName().setFamily("Curie").addGiven("Marie");
    patient
        .getText()
        .setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
        .setDivAsString(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Marie &amp; <b>Curie</b></p></div>");
    assertThatCode(() -> scan.json(fhir.newJsonParser().encodeResourceToString(patient)))
        .doesNotThrowAnyException();
    assertThatCode(() -> scan.xml(fhir.newXmlParser().encodeResourceToString(patient)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> scan.json("{\"a\":1,\"a\":1}")).isInstanceOf(InputRejected.class);
  }
}
