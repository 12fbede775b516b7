package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transaction and batch Bundles, through HAPI's client: a small transaction, then Synthea's
 * bundles.
 */
class BundleTest {

  private static FhirServer server;
  private static IGenericClient client;
  private static FhirHttp http;
  private static final FhirContext FHIR = FhirContext.forR4();

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("fhir_bundles");
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    client = FHIR.newRestfulGenericClient(server.base);
    http = new FhirHttp(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void transactionRewritesUrnReferencesToTheAssignedIds() {
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    Patient patient = new Patient();
    patient.addName().setFamily("Urn");
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:6f1b7a4e-0000-4000-8000-000000000001")
        .setResource(patient)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7");
    observation.setSubject(new Reference("urn:uuid:6f1b7a4e-0000-4000-8000-000000000001"));
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:6f1b7a4e-0000-4000-8000-000000000002")
        .setResource(observation)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Observation");

    Bundle response = client.transaction().withBundle(transaction).execute();

    assertThat(response.getType()).isEqualTo(BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created");
    String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
    String observationId = response.getEntry().get(1).getResponse().getLocation().split("/")[1];
    Observation stored = client.read().resource(Observation.class).withId(observationId).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
  }

  @Test
  void aConditionalReferenceThatMatchesNothingFailsTheWholeTransaction() {
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    Patient patient = new Patient();
    patient.addName().setFamily("Orphan");
    patient.addGeneralPractitioner(new Reference("Practitioner?identifier=urn:npi|nobody"));
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:6f1b7a4e-0000-4000-8000-000000000003")
        .setResource(patient)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
        .isInstanceOf(PreconditionFailedException.class);
    Bundle found =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.FAMILY.matches().value("Orphan"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).isEmpty();
  }

  @Test
  void aTransactionThatCannotBePlannedIsRefusedAsAWhole() {
    Patient existing = new Patient();
    existing.addName().setFamily("Planned");
    String id = client.create().resource(existing).execute().getId().getIdPart();

    Bundle staleIfMatch = new Bundle().setType(BundleType.TRANSACTION);
    Patient update = new Patient();
    update.setId(id);
    update.addName().setFamily("Stale");
    staleIfMatch
        .addEntry()
        .setResource(update)
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl("Patient/" + id)
        .setIfMatch("W/\"7\"");
    Patient created = new Patient();
    created.addName().setFamily("NotWritten");
    staleIfMatch
        .addEntry()
        .setResource(created)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    assertThatThrownBy(() -> client.transaction().withBundle(staleIfMatch).execute())
        .isInstanceOf(PreconditionFailedException.class)
        .hasMessageContaining(
            "If-Match of Patient/" + id + " asks for version 7 but the current version is 1");

    Bundle dangling = new Bundle().setType(BundleType.TRANSACTION);
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7");
    observation.setSubject(new Reference("urn:uuid:6f1b7a4e-0000-4000-8000-0000000000ff"));
    dangling
        .addEntry()
        .setResource(observation)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Observation");
    assertThatThrownBy(() -> client.transaction().withBundle(dangling).execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "The reference urn:uuid:6f1b7a4e-0000-4000-8000-0000000000ff names no entry");

    Bundle badCondition = new Bundle().setType(BundleType.TRANSACTION);
    Patient conditional = new Patient();
    conditional.addName().setFamily("NotWritten");
    badCondition
        .addEntry()
        .setResource(conditional)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("&");
    assertThatThrownBy(() -> client.transaction().withBundle(badCondition).execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("If-None-Exist must hold a search");

    Bundle notWritten =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.FAMILY.matches().value("NotWritten"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(notWritten.getEntry()).isEmpty();
  }

  @Test
  void batchEntriesSucceedOrFailOnTheirOwnAndGetEntriesReadAndSearch() {
    Patient seed = new Patient();
    seed.addName().setFamily("BatchSeed");
    String seedId = client.create().resource(seed).execute().getId().getIdPart();
    String batch =
        """
        {"resourceType":"Bundle","type":"batch","entry":[
          {"resource":{"resourceType":"Patient","name":[{"family":"BatchWritten"}]},
           "request":{"method":"POST","url":"Patient"}},
          {"resource":{"resourceType":"Patient","unknownElement":true},
           "request":{"method":"POST","url":"Patient"}},
          {"request":{"method":"GET","url":"Patient?family=BatchSeed"}},
          {"request":{"method":"GET","url":"Patient/SEED"}},
          {"request":{"method":"GET","url":"BASE/Patient/SEED/_history/1"}},
          {"request":{"method":"GET","url":"Patient/no-such-patient"}},
          {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},
           "request":{"method":"PUT","url":"Patient/p1"}},
          {"request":{"method":"GET","url":"Patient/SEED/bogus"}},
          {"resource":{"resourceType":"Observation","code":{"text":"no status"}},
           "request":{"method":"POST","url":"Observation"}}]}"""
            .replace("SEED", seedId)
            .replace("BASE", server.base);

    HttpResponse<String> response = http.post("", batch, "Content-Type", FhirHttp.JSON);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle answer = FhirHttp.parse(Bundle.class, response);
    assertThat(answer.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly(
            "201 Created",
            "422 Unprocessable Content",
            "200 OK",
            "200 OK",
            "200 OK",
            "404 Not Found",
            "400 Bad Request",
            "400 Bad Request",
            "422 Unprocessable Content");
    for (int failed : new int[] {1, 5, 6, 7, 8}) {
      OperationOutcome outcome =
          (OperationOutcome) answer.getEntry().get(failed).getResponse().getOutcome();
      assertThat(outcome).as("entry " + failed + " has an outcome").isNotNull();
      assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.ERROR);
    }
    assertThat(
            ((OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome())
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("unknownElement");
    String written = answer.getEntry().get(0).getResponse().getLocation().split("/")[1];
    assertThat(client.read().resource(Patient.class).withId(written).execute().getNameFirstRep())
        .extracting(n -> n.getFamily())
        .isEqualTo("BatchWritten");
    Bundle searchset = (Bundle) answer.getEntry().get(2).getResource();
    assertThat(searchset.getType()).isEqualTo(BundleType.SEARCHSET);
    assertThat(searchset.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(seedId);
    assertThat(answer.getEntry().get(3).getResource().getIdElement().getIdPart()).isEqualTo(seedId);
    assertThat(answer.getEntry().get(4).getResource().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void anXmlBatchFailsOnlyTheEntryWhoseResourceIsInvalid() {
    String batch =
        """
        <Bundle xmlns="http://hl7.org/fhir">
          <type value="batch"/>
          <entry>
            <resource><Patient><name><family value="XmlBatchWritten"/></name></Patient></resource>
            <request><method value="POST"/><url value="Patient"/></request>
          </entry>
          <entry>
            <resource><Patient><unknownElement value="true"/></Patient></resource>
            <request><method value="POST"/><url value="Patient"/></request>
          </entry>
          <entry>
            <resource>
              <Patient xmlns="http://hl7.org/fhir"><name><family value="XmlBatchSecond"/></name></Patient>
            </resource>
            <request><method value="POST"/><url value="Patient"/></request>
          </entry>
        </Bundle>""";

    HttpResponse<String> response =
        http.post("", batch, "Content-Type", FhirHttp.XML, "Accept", FhirHttp.JSON);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle answer = FhirHttp.parse(Bundle.class, response);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "422 Unprocessable Content", "201 Created");
    assertThat(
            ((OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome())
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("unknownElement");
    for (int created : new int[] {0, 2}) {
      String id = answer.getEntry().get(created).getResponse().getLocation().split("/")[1];
      assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep())
          .extracting(n -> n.getFamily())
          .isEqualTo(created == 0 ? "XmlBatchWritten" : "XmlBatchSecond");
    }
  }

  private static String createdWithIdentifier(String value, String family) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:tx").setValue(value);
    patient.addName().setFamily(family);
    return client.create().resource(patient).execute().getId().getIdPart();
  }

  private static Bundle transaction(String json) {
    HttpResponse<String> response = http.post("", json, "Content-Type", FhirHttp.JSON);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FhirHttp.parse(Bundle.class, response);
  }

  @Test
  void transactionsTakeConditionalPutsAndDeletesAndReadAfterTheirWrites() {
    String kept = createdWithIdentifier("1", "TxBefore");
    String deleted = createdWithIdentifier("del", "TxDelete");
    Bundle answer =
        transaction(
            """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"request":{"method":"GET","url":"Patient?identifier=urn:tx|1"}},
              {"request":{"method":"GET","url":"Patient/KEPT"}},
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:tx","value":"1"}],
                 "name":[{"family":"TxAfter"}]},
               "request":{"method":"PUT","url":"Patient?identifier=urn:tx|1"}},
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:tx","value":"new"}],
                 "name":[{"family":"TxNew"}]},
               "request":{"method":"PUT","url":"Patient?identifier=urn:tx%7Cnew"}},
              {"request":{"method":"DELETE","url":"Patient?identifier=urn:tx|del"}},
              {"request":{"method":"DELETE","url":"Patient?identifier=urn:tx|none"}}]}"""
                .replace("KEPT", kept));

    assertThat(answer.getType()).isEqualTo(BundleType.TRANSACTIONRESPONSE);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK", "200 OK", "201 Created", "200 OK", "204 No Content");
    // the GETs come first in the Bundle but read what the transaction wrote
    Bundle searchset = (Bundle) answer.getEntry().get(0).getResource();
    assertThat(searchset.getEntry()).hasSize(1);
    assertThat(((Patient) searchset.getEntryFirstRep().getResource()).getNameFirstRep().getFamily())
        .isEqualTo("TxAfter");
    Patient read = (Patient) answer.getEntry().get(1).getResource();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("TxAfter");
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    assertThat(answer.getEntry().get(2).getResponse().getLocation())
        .isEqualTo("Patient/" + kept + "/_history/2");
    String createdId = answer.getEntry().get(3).getResponse().getLocation().split("/")[1];
    assertThat(client.read().resource(Patient.class).withId(createdId).execute())
        .extracting(p -> p.getNameFirstRep().getFamily())
        .isEqualTo("TxNew");
    assertThat(http.get("/Patient/" + deleted).statusCode()).isEqualTo(410);

    // the same conditional PUT again updates the resource it created, it does not create another
    Bundle again =
        transaction(
            """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:tx","value":"new"}],
                 "name":[{"family":"TxNewer"}]},
               "request":{"method":"PUT","url":"Patient?identifier=urn:tx|new"}}]}""");
    assertThat(again.getEntryFirstRep().getResponse().getLocation())
        .isEqualTo("Patient/" + createdId + "/_history/2");
  }

  @Test
  void aConditionalPutOrDeleteMatchingSeveralFailsTheWholeTransaction() {
    createdWithIdentifier("dup", "TxDup");
    createdWithIdentifier("dup", "TxDup");
    for (String entry :
        List.of(
            """
            {"resource":{"resourceType":"Patient","name":[{"family":"TxDupAfter"}]},
             "request":{"method":"PUT","url":"Patient?identifier=urn:tx|dup"}}""",
            """
            {"request":{"method":"DELETE","url":"Patient?identifier=urn:tx|dup"}}""")) {
      String json =
          """
          {"resourceType":"Bundle","type":"transaction","entry":[
            {"resource":{"resourceType":"Patient","name":[{"family":"TxDupNotWritten"}]},
             "request":{"method":"POST","url":"Patient"}},
            ENTRY]}"""
              .replace("ENTRY", entry);
      HttpResponse<String> response = http.post("", json, "Content-Type", FhirHttp.JSON);
      OperationOutcome outcome = FhirHttp.assertOutcome(response, 412);
      assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("matches more than one");
    }
    Bundle found =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:tx", "dup"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry())
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(((Patient) e.getResource()).getNameFirstRep().getFamily())
                    .isEqualTo("TxDup"));
    assertThat(
            client
                .search()
                .forResource(Patient.class)
                .where(Patient.FAMILY.matches().value("TxDupNotWritten"))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  @Test
  void batchEntriesTakeConditionalPutsAndDeletesEachOnItsOwn() {
    String kept = createdWithIdentifier("batch-1", "BatchCondBefore");
    String deleted = createdWithIdentifier("batch-del", "BatchCondDelete");
    createdWithIdentifier("batch-dup", "BatchCondDup");
    createdWithIdentifier("batch-dup", "BatchCondDup");
    Bundle answer =
        transaction(
            """
            {"resourceType":"Bundle","type":"batch","entry":[
              {"resource":{"resourceType":"Patient","name":[{"family":"BatchCondAfter"}]},
               "request":{"method":"PUT","url":"Patient?identifier=urn:tx|batch-1"}},
              {"resource":{"resourceType":"Patient","name":[{"family":"BatchCondDupAfter"}]},
               "request":{"method":"PUT","url":"Patient?identifier=urn:tx|batch-dup"}},
              {"request":{"method":"DELETE","url":"Patient?identifier=urn:tx|batch-del"}},
              {"request":{"method":"DELETE","url":"Patient?identifier=urn:tx|batch-none"}}]}""");
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "412 Precondition Failed", "200 OK", "204 No Content");
    assertThat(answer.getEntry().get(0).getResponse().getLocation())
        .isEqualTo("Patient/" + kept + "/_history/2");
    assertThat(
            ((OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome())
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("matches more than one");
    assertThat(http.get("/Patient/" + deleted).statusCode()).isEqualTo(410);
  }

  @Test
  void patchEntriesInABatchAndATransaction() {
    String json = createdWithIdentifier("patch-json", "PatchBefore");
    String path = createdWithIdentifier("patch-path", "PatchBefore");
    String jsonPatch =
        java.util.Base64.getEncoder()
            .encodeToString(
                "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"PatchedJson\"}]"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Bundle batch =
        transaction(
            """
            {"resourceType":"Bundle","type":"batch","entry":[
              {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"%s"},
               "request":{"method":"PATCH","url":"Patient/%s"}},
              {"resource":{"resourceType":"Parameters","parameter":[{"name":"operation","part":[
                 {"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.name.family"},
                 {"name":"value","valueString":"PatchedPath"}]}]},
               "request":{"method":"PATCH","url":"Patient/%s"}},
              {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"%s"},
               "request":{"method":"PATCH","url":"Patient/no-such-patient"}},
              {"resource":{"resourceType":"Patient"},"request":{"method":"PATCH","url":"Patient/%s"}},
              {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"%s"},
               "request":{"method":"PATCH","url":"Patient/%s","ifMatch":"W/\\"9\\""}}]}"""
                .formatted(jsonPatch, json, path, jsonPatch, json, jsonPatch, path));
    assertThat(batch.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly(
            "200 OK", "200 OK", "404 Not Found", "400 Bad Request", "412 Precondition Failed");
    assertThat(
            client
                .read()
                .resource(Patient.class)
                .withId(json)
                .execute()
                .getNameFirstRep()
                .getFamily())
        .isEqualTo("PatchedJson");
    assertThat(
            client
                .read()
                .resource(Patient.class)
                .withId(path)
                .execute()
                .getNameFirstRep()
                .getFamily())
        .isEqualTo("PatchedPath");

    Bundle answer =
        transaction(
            """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:5e1f3c1a-8d5e-4f0e-9a49-5c7d9c1b0a01",
               "resource":{"resourceType":"Patient","name":[{"family":"PatchTxNew"}]},
               "request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Parameters","parameter":[{"name":"operation","part":[
                 {"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.name.family"},
                 {"name":"value","valueString":"PatchedInTransaction"}]}]},
               "request":{"method":"PATCH","url":"Patient/%s"}}]}"""
                .formatted(json));
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "200 OK");
    Patient patched = client.read().resource(Patient.class).withId(json).execute();
    assertThat(patched.getNameFirstRep().getFamily()).isEqualTo("PatchedInTransaction");
    assertThat(patched.getMeta().getVersionId()).isEqualTo("3");

    HttpResponse<String> missing =
        http.post(
            "",
            """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","name":[{"family":"PatchTxNever"}]},
               "request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"%s"},
               "request":{"method":"PATCH","url":"Patient/no-such-patient"}}]}"""
                .formatted(jsonPatch),
            "Content-Type",
            FhirHttp.JSON);
    assertThat(missing.statusCode()).as("a transaction fails as a whole").isEqualTo(404);
    assertThat(
            client
                .search()
                .forResource(Patient.class)
                .where(Patient.FAMILY.matchesExactly().value("PatchTxNever"))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  @Test
  void absoluteFullUrlsAndReferencesToThisServerAreResolved() {
    String local = createdWithIdentifier("local", "TxLocal");
    Bundle answer =
        transaction(
            """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"http://example.org/fhir/Observation/o1",
               "resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                 "subject":{"reference":"Patient/abs1"},
                 "performer":[{"reference":"http://example.org/fhir/Patient/abs1"}],
                 "focus":[{"reference":"BASE/Patient/LOCAL"},
                          {"reference":"http://elsewhere.example/fhir/Patient/abs1"}]},
               "request":{"method":"POST","url":"Observation"}},
              {"fullUrl":"http://example.org/fhir/Patient/abs1",
               "resource":{"resourceType":"Patient","name":[{"family":"TxAbsolute"}]},
               "request":{"method":"POST","url":"Patient"}}]}"""
                .replace("BASE", server.base)
                .replace("LOCAL", local));
    String observationId = answer.getEntry().get(0).getResponse().getLocation().split("/")[1];
    String patientId = answer.getEntry().get(1).getResponse().getLocation().split("/")[1];
    assertThat(patientId).isNotEqualTo("abs1");
    Observation stored =
        FhirHttp.parse(Observation.class, http.get("/Observation/" + observationId));
    assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(stored.getPerformerFirstRep().getReference()).isEqualTo("Patient/" + patientId);
    assertThat(stored.getFocus())
        .extracting(Reference::getReference)
        .containsExactly("Patient/" + local, "http://elsewhere.example/fhir/Patient/abs1");
  }

  @Test
  void syntheaBundlesLoadAndTheirConditionalCreatesDoNotDuplicate() throws IOException {
    Bundle hospitals = load("hospitalInformation.json");
    Bundle practitioners = load("practitionerInformation.json");
    int organizations = count(hospitals, "Organization");
    int practitionerCount = count(practitioners, "Practitioner");

    Bundle first = client.transaction().withBundle(hospitals).execute();
    assertThat(first.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    client.transaction().withBundle(practitioners).execute();
    Bundle again = client.transaction().withBundle(load("hospitalInformation.json")).execute();
    assertThat(again.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("200"));
    assertThat(total(Organization.class)).isEqualTo(organizations);
    assertThat(total(Practitioner.class)).isEqualTo(practitionerCount);

    for (String file :
        List.of(
            "Jessie665_Glover433_1e621f4c-db30-c273-49e9-2dcad508a9cb.json",
            "Lavern240_Treutel973_7353e17f-0cd5-5b0a-c736-92b9ca5f8366.json",
            "Lecia978_Lizabeth515_Littel644_347ceebf-0248-5a56-14f3-e1e8e8ffb73c.json")) {
      Bundle patientBundle = load(file);
      Bundle response = client.transaction().withBundle(patientBundle).execute();
      assertThat(response.getEntry())
          .hasSize(patientBundle.getEntry().size())
          .allSatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo("201 Created"));
    }
    Bundle encounters =
        client.search().forResource(Encounter.class).count(5).returnBundle(Bundle.class).execute();
    assertThat(encounters.getEntry()).isNotEmpty();
    Encounter encounter = (Encounter) encounters.getEntryFirstRep().getResource();
    assertThat(encounter.getSubject().getReference()).matches("Patient/[A-Za-z0-9\\-.]+");
    String patientId = encounter.getSubject().getReferenceElement().getIdPart();
    assertThat(client.read().resource(Patient.class).withId(patientId).execute().getName())
        .isNotEmpty();
    String practitioner = encounter.getParticipantFirstRep().getIndividual().getReference();
    assertThat(practitioner).startsWith("Practitioner/").doesNotContain("?");
    assertThat(total(Patient.class)).isGreaterThanOrEqualTo(3);
  }

  private static int total(Class<? extends org.hl7.fhir.instance.model.api.IBaseResource> type) {
    Bundle bundle =
        client.search().forResource(type).count(1000).returnBundle(Bundle.class).execute();
    return bundle.getEntry().size();
  }

  private static int count(Bundle bundle, String type) {
    return (int)
        bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).count();
  }

  private static Bundle load(String name) throws IOException {
    try (InputStream in = BundleTest.class.getResourceAsStream("/synthea/" + name)) {
      return FHIR.newJsonParser()
          .parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
