package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.FhirHttp.assertOutcome;
import static io.vitalflow.fhir.http.FhirHttp.header;
import static io.vitalflow.fhir.http.FhirHttp.json;
import static io.vitalflow.fhir.http.FhirHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's interactions over raw HTTP against a server on the real broker and PostgreSQL: PUT
 * without an id, conditional read, conditional update, conditional delete (multiple, bounded), JSON
 * Patch and FHIRPath Patch (also conditional, with If-Match), {@code $validate} with the profile
 * validator and validate-on-write (on for this server), {@code Patient/[id]/$everything}, and the
 * CapabilityStatement's declaration of each.
 */
class InteractionsTest {

  /** Small so that the bound is reachable in a test. */
  private static final int CONDITIONAL_DELETE_MAX = 3;

  private static FhirServer server;
  private static FhirHttp http;

  @BeforeAll
  static void start() throws Exception {
    server =
        FhirServer.start(
            "fhir_interactions",
            "--vitalflow.fhir.conditional-delete-max=" + CONDITIONAL_DELETE_MAX,
            "--vitalflow.fhir.validate-on-write=true");
    http = new FhirHttp(server.base);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Patient patient(String family, String mrn) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Test");
    patient.setGender(AdministrativeGender.FEMALE);
    patient.addIdentifier().setSystem("urn:mrn").setValue(mrn);
    return patient;
  }

  private static String create(Patient patient) {
    HttpResponse<String> created = http.post("/Patient", json(patient));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return parse(Patient.class, created).getIdElement().getIdPart();
  }

  private static String unique() {
    return UUID.randomUUID().toString();
  }

  // --- PUT without an id

  @Test
  void aPutWithoutAnIdInTheBodyIs400AndADifferentIdToo() {
    OperationOutcome none =
        assertOutcome(http.put("/Patient/no-body-id", json(patient("NoId", unique()))), 400);
    assertThat(none.getIssueFirstRep().getDiagnostics()).contains("no id");
    assertOutcome(http.get("/Patient/no-body-id"), 404);

    Patient other = patient("OtherId", unique());
    other.setId("other-id");
    assertOutcome(http.put("/Patient/this-id", json(other)), 400);

    Patient same = patient("SameId", unique());
    same.setId("same-id");
    assertThat(http.put("/Patient/same-id", json(same)).statusCode()).isEqualTo(201);
  }

  // --- conditional read

  @Test
  void aConditionalReadAnswers304WhenTheClientsCopyIsCurrent() {
    String id = create(patient("Cached", unique()));
    HttpResponse<String> read = http.get("/Patient/" + id);
    String lastModified = header(read, "Last-Modified");
    assertThat(lastModified).isNotNull();

    for (String etag : List.of("W/\"1\"", "\"1\"", "W/\"7\", W/\"1\"", "*")) {
      HttpResponse<String> notModified = http.get("/Patient/" + id, "If-None-Match", etag);
      assertThat(notModified.statusCode()).as(etag).isEqualTo(304);
      assertThat(notModified.body()).isEmpty();
      assertThat(header(notModified, "ETag")).isEqualTo("W/\"1\"");
    }
    assertThat(http.get("/Patient/" + id, "If-None-Match", "W/\"2\"").statusCode()).isEqualTo(200);

    assertThat(http.get("/Patient/" + id, "If-Modified-Since", lastModified).statusCode())
        .isEqualTo(304);
    String later = httpDate(Instant.now().plusSeconds(3600));
    assertThat(http.get("/Patient/" + id, "If-Modified-Since", later).statusCode()).isEqualTo(304);
    String earlier = httpDate(Instant.now().minusSeconds(3600));
    HttpResponse<String> changed = http.get("/Patient/" + id, "If-Modified-Since", earlier);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(parse(Patient.class, changed).getIdElement().getIdPart()).isEqualTo(id);
    // If-None-Match decides when both are sent (RFC 9110 13.1.3)
    assertThat(
            http.get("/Patient/" + id, "If-None-Match", "W/\"9\"", "If-Modified-Since", later)
                .statusCode())
        .isEqualTo(200);
    assertThat(http.get("/Patient/" + id, "If-Modified-Since", "not a date").statusCode())
        .isEqualTo(200);

    Patient updated = parse(Patient.class, read);
    updated.setActive(true);
    assertThat(http.put("/Patient/" + id, json(updated)).statusCode()).isEqualTo(200);
    assertThat(http.get("/Patient/" + id, "If-None-Match", "W/\"1\"").statusCode()).isEqualTo(200);
    assertThat(http.get("/Patient/" + id, "If-None-Match", "W/\"2\"").statusCode()).isEqualTo(304);
  }

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  // --- conditional update

  @Test
  void aConditionalUpdateCreatesUpdatesOrRefusesByTheNumberOfMatches() {
    String mrn = unique();
    String query = "/Patient?identifier=urn:mrn%7C" + mrn;

    HttpResponse<String> created = http.put(query, json(patient("First", mrn)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = parse(Patient.class, created).getIdElement().getIdPart();
    assertThat(header(created, "ETag")).isEqualTo("W/\"1\"");

    HttpResponse<String> updated = http.put(query, json(patient("Second", mrn)));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    Patient second = parse(Patient.class, updated);
    assertThat(second.getIdElement().getIdPart()).isEqualTo(id);
    assertThat(second.getMeta().getVersionId()).isEqualTo("2");
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getNameFirstRep().getFamily())
        .isEqualTo("Second");

    // a body id other than the match's
    Patient wrongId = patient("Third", mrn);
    wrongId.setId("not-the-match");
    assertOutcome(http.put(query, json(wrongId)), 400);

    // a second resource with the identifier: the condition is no longer selective
    create(patient("Twin", mrn));
    OperationOutcome twice = assertOutcome(http.put(query, json(patient("Fourth", mrn))), 412);
    assertThat(twice.getIssueFirstRep().getCode())
        .isEqualTo(OperationOutcome.IssueType.MULTIPLEMATCHES);
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getNameFirstRep().getFamily())
        .isEqualTo("Second");
  }

  @Test
  void aConditionalUpdateWithoutMatchUsesTheBodysIdAndNeedsACondition() {
    String mrn = unique();
    Patient withId = patient("ClientId", mrn);
    withId.setId("cu-" + mrn.substring(0, 8));
    HttpResponse<String> created = http.put("/Patient?identifier=urn:mrn%7C" + mrn, json(withId));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(header(created, "Location")).contains("/Patient/cu-" + mrn.substring(0, 8));

    assertOutcome(http.put("/Patient", json(patient("NoCondition", unique()))), 400);
    assertOutcome(http.put("/Patient?no-such-parameter=1", json(patient("Bad", unique()))), 400);
  }

  @Test
  void concurrentIdenticalConditionalUpdatesMakeOneResource() throws Exception {
    String mrn = unique();
    String query = "/Patient?identifier=urn:mrn%7C" + mrn;
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String family = "Racer" + i;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.put(query, json(patient(family, mrn)));
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (var future : futures) {
        HttpResponse<String> response = future.get(60, TimeUnit.SECONDS);
        statuses.add(response.statusCode());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        ids.add(parse(Patient.class, response).getIdElement().getIdPart());
      }
      assertThat(ids).as("one resource, not one per request").hasSize(1);
      assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
      Bundle found = parse(Bundle.class, http.get(query));
      assertThat(found.getEntry()).hasSize(1);
      assertThat(found.getEntryFirstRep().getResource().getMeta().getVersionId())
          .isEqualTo(String.valueOf(n));
    } finally {
      pool.shutdownNow();
    }
  }

  // --- conditional delete

  @Test
  void aConditionalDeleteDeletesEveryMatchUpToTheBound() {
    String family = "Del" + unique().substring(0, 8);
    List<String> ids =
        List.of(
            create(patient(family, unique())),
            create(patient(family, unique())),
            create(patient(family, unique())));
    String other = create(patient("Keep" + family, unique()));

    HttpResponse<String> deleted = http.delete("/Patient?family:exact=" + family);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    for (String id : ids) {
      assertOutcome(http.get("/Patient/" + id), 410);
    }
    assertThat(http.get("/Patient/" + other).statusCode()).isEqualTo(200);

    assertThat(http.delete("/Patient?family:exact=" + family).statusCode()).isEqualTo(204);
    assertOutcome(http.delete("/Patient"), 400);
  }

  @Test
  void aConditionalDeleteOfMoreThanTheBoundIs412AndDeletesNothing() {
    String family = "Many" + unique().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= CONDITIONAL_DELETE_MAX; i++) {
      ids.add(create(patient(family, unique())));
    }
    OperationOutcome refused = assertOutcome(http.delete("/Patient?family:exact=" + family), 412);
    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("more than 3");
    for (String id : ids) {
      assertThat(http.get("/Patient/" + id).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSingleConditionalDeleteAnswersLikeADelete() {
    String mrn = unique();
    String id = create(patient("Single", mrn));
    HttpResponse<String> deleted = http.delete("/Patient?identifier=urn:mrn%7C" + mrn);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(header(deleted, "ETag")).isEqualTo("W/\"2\"");
    assertOutcome(http.get("/Patient/" + id), 410);
  }

  // --- JSON Patch

  private static HttpResponse<String> jsonPatch(String path, String patch, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json-patch+json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return http.send("PATCH", path, patch, all);
  }

  @Test
  void aJsonPatchChangesTheStoredResourceAsANewVersion() {
    String id = create(patient("Patchy", unique()));
    HttpResponse<String> patched =
        jsonPatch(
            "/Patient/" + id,
            "[{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"female\"},"
                + "{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"},"
                + "{\"op\":\"add\",\"path\":\"/name/-\",\"value\":{\"family\":\"Second\"}},"
                + "{\"op\":\"copy\",\"from\":\"/name/0/given\",\"path\":\"/name/1/given\"},"
                + "{\"op\":\"add\",\"path\":\"/birthDate\",\"value\":\"1970-01-02\"},"
                + "{\"op\":\"remove\",\"path\":\"/identifier\"}]");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(header(patched, "ETag")).isEqualTo("W/\"2\"");

    Patient read = parse(Patient.class, http.get("/Patient/" + id));
    assertThat(read.getGender()).isEqualTo(AdministrativeGender.MALE);
    assertThat(read.getName()).extracting(HumanName::getFamily).containsExactly("Patchy", "Second");
    assertThat(read.getName().get(1).getGivenAsSingleString()).isEqualTo("Test");
    assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1970-01-02");
    assertThat(read.getIdentifier()).isEmpty();
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void aJsonPatchThatCannotApplyOrMakesAnInvalidResourceChangesNothing() {
    String id = create(patient("Strict", unique()));
    String path = "/Patient/" + id;
    // failed test, missing path: 422
    assertOutcome(
        jsonPatch(
            path,
            "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"},"
                + "{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"female\"}]"),
        422);
    assertOutcome(jsonPatch(path, "[{\"op\":\"remove\",\"path\":\"/telecom/0\"}]"), 422);
    // the result is no valid Patient, or not this one: 422
    assertOutcome(
        jsonPatch(path, "[{\"op\":\"add\",\"path\":\"/colour\",\"value\":\"blue\"}]"), 422);
    assertOutcome(
        jsonPatch(path, "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"sometimes\"}]"),
        422);
    assertOutcome(jsonPatch(path, "[{\"op\":\"remove\",\"path\":\"/id\"}]"), 422);
    // the patch document is wrong: 400
    assertOutcome(jsonPatch(path, "{\"op\":\"remove\",\"path\":\"/gender\"}"), 400);
    assertOutcome(jsonPatch(path, "[{\"op\":\"frobnicate\",\"path\":\"/gender\"}]"), 400);
    assertOutcome(jsonPatch(path, "[{\"op\":\"add\",\"path\":\"gender\",\"value\":1}]"), 400);
    assertOutcome(jsonPatch(path, "not json"), 400);
    // unknown resource, unsupported content type
    assertOutcome(
        jsonPatch("/Patient/no-such-patient", "[{\"op\":\"remove\",\"path\":\"/gender\"}]"), 404);
    assertOutcome(
        http.send(
            "PATCH", path, "gender=male", "Content-Type", "application/x-www-form-urlencoded"),
        415);

    Patient read = parse(Patient.class, http.get(path));
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getGender()).isEqualTo(AdministrativeGender.FEMALE);
  }

  @Test
  void aPatchHonoursIfMatch() {
    String id = create(patient("Versioned", unique()));
    String patch = "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]";
    OperationOutcome stale =
        assertOutcome(jsonPatch("/Patient/" + id, patch, "If-Match", "W/\"2\""), 412);
    assertThat(stale.getIssueFirstRep().getDiagnostics()).contains("version 2");
    HttpResponse<String> current = jsonPatch("/Patient/" + id, patch, "If-Match", "W/\"1\"");
    assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
    assertThat(header(current, "ETag")).isEqualTo("W/\"2\"");
    assertOutcome(jsonPatch("/Patient/" + id, patch, "If-Match", "W/\"1\""), 412);
  }

  @Test
  void aConditionalPatchPatchesTheOneMatch() {
    String mrn = unique();
    String id = create(patient("CondPatch", mrn));
    HttpResponse<String> patched =
        jsonPatch(
            "/Patient?identifier=urn:mrn%7C" + mrn,
            "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getActive()).isTrue();
    assertOutcome(
        jsonPatch(
            "/Patient?identifier=urn:mrn%7C" + unique(),
            "[{\"op\":\"remove\",\"path\":\"/active\"}]"),
        404);
    create(patient("CondPatchTwin", mrn));
    assertOutcome(
        jsonPatch(
            "/Patient?identifier=urn:mrn%7C" + mrn, "[{\"op\":\"remove\",\"path\":\"/active\"}]"),
        412);
  }

  // --- FHIRPath Patch

  static ParametersParameterComponent operation(Parameters patch, String type, String path) {
    ParametersParameterComponent operation = patch.addParameter().setName("operation");
    operation.addPart().setName("type").setValue(new CodeType(type));
    operation.addPart().setName("path").setValue(new StringType(path));
    return operation;
  }

  static void part(ParametersParameterComponent operation, String name, Type value) {
    operation.addPart().setName(name).setValue(value);
  }

  @Test
  void aFhirPathPatchAddsInsertsReplacesMovesAndDeletes() {
    Patient patient = patient("PathPatch", unique());
    patient.addName().setFamily("Two");
    patient.addName().setFamily("Three");
    String id = create(patient);

    Parameters patch = new Parameters();
    ParametersParameterComponent replace = operation(patch, "replace", "Patient.gender");
    part(replace, "value", new CodeType("male"));
    ParametersParameterComponent add = operation(patch, "add", "Patient");
    part(add, "name", new StringType("birthDate"));
    part(add, "value", new DateType("1980-05-06"));
    ParametersParameterComponent addComplex = operation(patch, "add", "Patient");
    part(addComplex, "name", new StringType("telecom"));
    ParametersParameterComponent telecom = addComplex.addPart().setName("value");
    telecom.addPart().setName("system").setValue(new CodeType("phone"));
    telecom.addPart().setName("value").setValue(new StringType("555-0100"));
    ParametersParameterComponent insert = operation(patch, "insert", "Patient.name");
    insert.addPart().setName("index").setValue(new IntegerType(0));
    ParametersParameterComponent inserted = insert.addPart().setName("value");
    inserted.addPart().setName("family").setValue(new StringType("Zero"));
    ParametersParameterComponent move = operation(patch, "move", "Patient.name");
    part(move, "source", new IntegerType(3));
    part(move, "destination", new IntegerType(1));
    operation(patch, "delete", "Patient.name.where(family = 'Two')");
    operation(patch, "delete", "Patient.identifier[0]");
    operation(patch, "delete", "Patient.photo"); // nothing there: no error

    HttpResponse<String> patched = http.send("PATCH", "/Patient/" + id, json(patch));
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

    Patient read = parse(Patient.class, http.get("/Patient/" + id));
    assertThat(read.getGender()).isEqualTo(AdministrativeGender.MALE);
    assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1980-05-06");
    assertThat(read.getTelecomFirstRep().getValue()).isEqualTo("555-0100");
    assertThat(read.getName())
        .extracting(HumanName::getFamily)
        .containsExactly("Zero", "Three", "PathPatch");
    assertThat(read.getIdentifier()).isEmpty();
  }

  @Test
  void aFhirPathPatchThatCannotApplyIs422OrMalformedIs400() {
    String id = create(patient("BadPath", unique()));
    Parameters ambiguous = new Parameters();
    part(operation(ambiguous, "replace", "Patient.name.given"), "value", new StringType("x"));
    Patient twoGiven = patient("TwoGiven", unique());
    twoGiven.getNameFirstRep().addGiven("Second");
    String twoId = create(twoGiven);
    assertOutcome(http.send("PATCH", "/Patient/" + twoId, json(ambiguous)), 422);

    Parameters unknownElement = new Parameters();
    ParametersParameterComponent add = operation(unknownElement, "add", "Patient");
    part(add, "name", new StringType("colour"));
    part(add, "value", new StringType("blue"));
    assertOutcome(http.send("PATCH", "/Patient/" + id, json(unknownElement)), 422);

    Parameters unknownType = new Parameters();
    operation(unknownType, "transmogrify", "Patient.gender");
    assertOutcome(http.send("PATCH", "/Patient/" + id, json(unknownType)), 400);

    Parameters badPath = new Parameters();
    operation(badPath, "delete", "Patient.name.where(");
    assertOutcome(http.send("PATCH", "/Patient/" + id, json(badPath)), 400);

    assertOutcome(http.send("PATCH", "/Patient/" + id, json(patient("NotParameters", "x"))), 400);
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getMeta().getVersionId())
        .isEqualTo("1");
  }

  @Test
  void validateOnWriteCoversTransactionEntries() {
    String family = "TxValid" + unique();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .setResource(patient(family, unique()))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    Patient invalid = contactWithoutDetails();
    invalid.getNameFirstRep().setFamily(family);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .setResource(invalid)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");

    OperationOutcome refused = assertOutcome(http.post("", json(transaction)), 422);
    assertThat(refused.getIssue())
        .anySatisfy(
            issue ->
                assertThat(issue.getDiagnostics()).contains("Bundle.entry[1]").contains("pat-1"));
    assertThat(parse(Bundle.class, http.get("/Patient?family=" + family)).getEntry())
        .as("nothing of a refused transaction is stored")
        .isEmpty();

    transaction.getEntry().remove(1);
    HttpResponse<String> accepted = http.post("", json(transaction));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
  }

  // --- $validate and validate-on-write

  /** Valid to the parser, invalid to the profile: a contact needs details (invariant pat-1). */
  static Patient contactWithoutDetails() {
    Patient patient = patient("Contact", unique());
    patient.addContact().setGender(AdministrativeGender.MALE);
    return patient;
  }

  @Test
  void validateAnswersTheValidatorsOperationOutcome() {
    HttpResponse<String> valid = http.post("/Patient/$validate", json(patient("Valid", unique())));
    assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
    assertThat(parse(OperationOutcome.class, valid).getIssue())
        .noneMatch(i -> i.getSeverity() == IssueSeverity.ERROR);

    HttpResponse<String> invalid = http.post("/Patient/$validate", json(contactWithoutDetails()));
    assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(200);
    OperationOutcome outcome = parse(OperationOutcome.class, invalid);
    assertThat(outcome.getIssue())
        .anySatisfy(
            issue -> {
              assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
              assertThat(issue.getDiagnostics()).contains("pat-1");
            });

    // wrapped in Parameters, as the operation's definition has it
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("resource").setResource(contactWithoutDetails());
    OperationOutcome wrapped =
        parse(OperationOutcome.class, http.post("/Patient/$validate", json(parameters)));
    assertThat(wrapped.getIssue()).anyMatch(i -> i.getSeverity() == IssueSeverity.ERROR);

    // what the strict parser finds is reported the same way
    HttpResponse<String> unknown =
        http.post("/Patient/$validate", "{\"resourceType\":\"Patient\",\"colour\":\"blue\"}");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(parse(OperationOutcome.class, unknown).getIssueFirstRep().getDiagnostics())
        .contains("colour");

    assertOutcome(http.post("/Patient/$validate", json(new Observation())), 400);
    assertOutcome(http.post("/Patient/$validate", "not json"), 400);
  }

  @Test
  void validateOfAStoredResourceAndValidateOnWrite() {
    String id = create(patient("Stored", unique()));
    HttpResponse<String> stored = http.post("/Patient/" + id + "/$validate", null);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    assertThat(parse(OperationOutcome.class, stored).getIssue())
        .noneMatch(i -> i.getSeverity() == IssueSeverity.ERROR);
    assertOutcome(http.post("/Patient/no-such-patient/$validate", null), 404);

    // this server validates on write: the pat-1 violation is refused with the validator's errors
    OperationOutcome refused =
        assertOutcome(http.post("/Patient", json(contactWithoutDetails())), 422);
    assertThat(refused.getIssue()).anyMatch(i -> i.getDiagnostics().contains("pat-1"));
    Patient update = contactWithoutDetails();
    update.setId(id);
    assertOutcome(http.put("/Patient/" + id, json(update)), 422);
    assertOutcome(
        jsonPatch(
            "/Patient/" + id,
            "[{\"op\":\"add\",\"path\":\"/contact\",\"value\":[{\"gender\":\"male\"}]}]"),
        422);
    assertThat(parse(Patient.class, http.get("/Patient/" + id)).getMeta().getVersionId())
        .isEqualTo("1");
  }

  // --- $everything

  @Test
  void everythingReturnsThePatientsCompartmentPaged() {
    String a = create(patient("EverythingA", unique()));
    String b = create(patient("EverythingB", unique()));
    Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/" + a));
    condition.getCode().setText("asthma");
    assertThat(http.post("/Condition", json(condition)).statusCode()).isEqualTo(201);
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("mood");
    observation.setSubject(new Reference("Patient/" + a));
    assertThat(http.post("/Observation", json(observation)).statusCode()).isEqualTo(201);
    Observation ofB = observation.copy();
    ofB.setSubject(new Reference("Patient/" + b));
    assertThat(http.post("/Observation", json(ofB)).statusCode()).isEqualTo(201);
    assertThat(http.post("/Practitioner", json(new Practitioner().setActive(true))).statusCode())
        .isEqualTo(201);

    Bundle all = parse(Bundle.class, http.get("/Patient/" + a + "/$everything"));
    assertThat(all.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(all.getTotal()).isEqualTo(3);
    assertThat(all.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Patient", "Condition", "Observation");
    assertThat(all.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(a);

    Bundle first = parse(Bundle.class, http.get("/Patient/" + a + "/$everything?_count=2"));
    assertThat(first.getEntry()).hasSize(2);
    String next = first.getLink("next").getUrl();
    Bundle second = parse(Bundle.class, http.get(next.substring(next.indexOf("/Patient/"))));
    assertThat(second.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Observation");
    assertThat(second.getLink("next")).isNull();

    Bundle conditions =
        parse(Bundle.class, http.get("/Patient/" + a + "/$everything?_type=Condition"));
    assertThat(conditions.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Condition");

    Bundle since =
        parse(
            Bundle.class,
            http.get("/Patient/" + a + "/$everything?_since=" + Instant.now().plusSeconds(3600)));
    assertThat(since.getEntry()).isEmpty();

    assertOutcome(http.get("/Patient/no-such-patient/$everything"), 404);
    assertOutcome(http.get("/Patient/" + a + "/$everything?_type=Nonsense"), 404);
  }

  // --- CapabilityStatement

  @Test
  void theCapabilityStatementDeclaresTheInteractions() {
    CapabilityStatement statement = parse(CapabilityStatement.class, http.get("/metadata"));
    CapabilityStatementRestResourceComponent patient =
        statement.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Patient"))
            .findFirst()
            .orElseThrow();
    assertThat(patient.getInteraction())
        .extracting(i -> i.getCode())
        .contains(TypeRestfulInteraction.PATCH, TypeRestfulInteraction.UPDATE);
    assertThat(patient.getConditionalUpdate()).isTrue();
    assertThat(patient.getConditionalDelete()).isEqualTo(ConditionalDeleteStatus.MULTIPLE);
    assertThat(patient.getConditionalRead()).isEqualTo(ConditionalReadStatus.FULLSUPPORT);
    assertThat(patient.getOperation())
        .extracting(o -> o.getName())
        .contains("validate", "everything");
    // made once and kept: each request still gets its own base URL, in JSON and in XML
    assertThat(statement.getImplementation().getUrl()).isEqualTo(http.base());
    HttpResponse<String> again = http.get("/metadata");
    assertThat(again.body())
        .isEqualTo(http.get("/metadata").body())
        .doesNotContain("urn:vitalflow");
    HttpResponse<String> xml = http.get("/metadata?_format=xml");
    assertThat(xml.body())
        .contains("<implementation>")
        .contains("<url value=\"" + http.base() + "\"/>")
        .doesNotContain("urn:vitalflow");
    assertThat(
            FhirFormat.FHIR
                .newXmlParser()
                .parseResource(CapabilityStatement.class, xml.body())
                .getRestFirstRep()
                .getResource())
        .hasSameSizeAs(statement.getRestFirstRep().getResource());
  }
}
