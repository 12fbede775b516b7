package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * What a client writes comes back as written (issue 16): versioned references, the ids of a message
 * Bundle's entries, repeating primitives whose items have only extensions, XML attribute values
 * with line breaks; and a search with a raw {@code |} in its query is answered.
 */
class FidelityTest {

  private static FhirServer server;
  private static FhirHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_fidelity");
    http = new FhirHttp(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String created(String type, String json) {
    HttpResponse<String> created = http.post("/" + type, json, "Content-Type", FhirHttp.JSON);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = FhirHttp.header(created, "Location");
    return location.substring(
        (server.base + "/" + type + "/").length(), location.indexOf("/_history/"));
  }

  @Test
  void versionedReferencesKeepTheirVersion() {
    String id =
        created(
            "Observation",
            """
            {"resourceType":"Observation","status":"final","code":{"text":"weight"},
             "subject":{"reference":"Patient/example/_history/1"}}""");
    HttpResponse<String> read = http.get("/Observation/" + id);
    assertThat(FhirHttp.parse(Observation.class, read).getSubject().getReference())
        .isEqualTo("Patient/example/_history/1");
    HttpResponse<String> xml = http.get("/Observation/" + id + "?_format=xml");
    assertThat(xml.body()).contains("<reference value=\"Patient/example/_history/1\"");
  }

  @Test
  void aMessageBundleKeepsTheIdsOfItsEntries() {
    String id =
        created(
            "Bundle",
            """
            {"resourceType":"Bundle","type":"message","timestamp":"2026-01-01T10:00:00Z",
             "entry":[{"fullUrl":"urn:uuid:267b18ce-3d37-4581-9baa-6fada338038b",
               "resource":{"resourceType":"MessageHeader","id":"267b18ce-3d37-4581-9baa-6fada338038b",
                 "eventCoding":{"system":"http://example.org/events","code":"admin-notify"},
                 "source":{"endpoint":"http://example.org/clients/ehr-lite"}}},
              {"fullUrl":"http://example.org/fhir/Patient/pat1",
               "resource":{"resourceType":"Patient","id":"pat1","active":true}}]}""");
    Bundle back =
        FhirHttp.FHIR
            .newJsonParser()
            .setOverrideResourceIdWithBundleEntryFullUrl(false)
            .parseResource(Bundle.class, http.get("/Bundle/" + id).body());
    assertThat(back.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly("267b18ce-3d37-4581-9baa-6fada338038b", "pat1");
    assertThat(http.get("/Bundle/" + id + "?_format=xml").body())
        .contains("<id value=\"267b18ce-3d37-4581-9baa-6fada338038b\"/>")
        .contains("<id value=\"pat1\"/>");
  }

  @Test
  void repeatingPrimitivesWithOnlyExtensionsAreAcceptedAndKept() {
    String onlyExtensions =
        """
        {"resourceType":"ActivityDefinition","status":"draft",
         "timingTiming":{"_event":[
           {"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/cqf-expression",
             "valueExpression":{"language":"text/cql","expression":"Now()"}}]}]}}""";
    String id = created("ActivityDefinition", onlyExtensions);
    ActivityDefinition back =
        FhirHttp.parse(ActivityDefinition.class, http.get("/ActivityDefinition/" + id));
    assertThat(back.getTimingTiming().getEvent()).hasSize(1);
    assertThat(back.getTimingTiming().getEvent().get(0).hasValue()).isFalse();
    assertThat(back.getTimingTiming().getEvent().get(0).getExtensionFirstRep().getUrl())
        .isEqualTo("http://hl7.org/fhir/StructureDefinition/cqf-expression");

    String withNulls =
        """
        {"resourceType":"ActivityDefinition","status":"draft",
         "timingTiming":{"event":[null,"2026-01-01"],"_event":[
           {"extension":[{"url":"http://example.org/note","valueString":"first"}]},null]}}""";
    String second = created("ActivityDefinition", withNulls);
    ActivityDefinition both =
        FhirHttp.parse(ActivityDefinition.class, http.get("/ActivityDefinition/" + second));
    assertThat(both.getTimingTiming().getEvent()).hasSize(2);
    assertThat(both.getTimingTiming().getEvent().get(1).getValueAsString()).isEqualTo("2026-01-01");
  }

  @Test
  void xmlAttributeValuesEscapeLineBreaksAndTabs() throws Exception {
    Patient patient = new Patient();
    patient.addName().setFamily("Line\nbreak\ttab\rreturn");
    String id = created("Patient", FhirHttp.json(patient));
    HttpResponse<String> xml = http.get("/Patient/" + id, "Accept", FhirHttp.XML);
    assertThat(xml.body()).contains("value=\"Line&#xa;break&#x9;tab&#xd;return\"");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document document =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(
            document
                .getElementsByTagNameNS("http://hl7.org/fhir", "family")
                .item(0)
                .getAttributes()
                .getNamedItem("value")
                .getNodeValue())
        .isEqualTo("Line\nbreak\ttab\rreturn");
  }

  @Test
  void aRawVerticalBarInTheQueryIsAnsweredNormally() throws Exception {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:mrn").setValue("42");
    patient.addName().setFamily("Bar");
    String id = created("Patient", FhirHttp.json(patient));

    String[] answer = rawGet("/fhir/Patient?identifier=urn:mrn|42");
    assertThat(answer[0]).as(answer[1]).contains(" 200 ");
    Bundle found = FhirHttp.FHIR.newJsonParser().parseResource(Bundle.class, answer[1].trim());
    assertThat(found.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(id);

    String[] other = rawGet("/fhir/Patient?identifier=urn:mrn|42&family=%zz\"x\"");
    assertThat(other[0]).startsWith("HTTP/1.1 ");
    assertThat(other[1]).as("every answer has a body").contains("\"resourceType\"");
  }

  /** A GET written to the socket byte for byte (no client encodes anything); status line, body. */
  private static String[] rawGet(String target) throws Exception {
    URI base = URI.create(server.base);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + base.getHost()
                  + "\r\nAccept: application/fhir+json\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = response.indexOf("\r\n\r\n");
      String head = response.substring(0, headEnd);
      String body = response.substring(headEnd + 4);
      if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = unchunked(body);
      }
      return new String[] {head.substring(0, head.indexOf("\r\n")), body};
    }
  }

  private static String unchunked(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", i);
      int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      i = lineEnd + 2 + size + 2;
    }
  }
}
