package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.fhir.ReadOnlyServer;
import io.vitalflow.fhir.Unsecured;
import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Vital-sign readings as FHIR Observations against a real PostgreSQL with the real schema. */
class VitalObservationsTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final String ODD_PATIENT = "mrn_7:1.x";
  private static final String LONG_PATIENT = "urn:oid:2.16.840.1.113883.19.5:patient-".repeat(2);
  private static final List<Row> ROWS = new ArrayList<>();

  private static ReadOnlyServer server;
  private static WebTestClient client;
  private static VitalObservations observations;

  /** One inserted reading. */
  record Row(
      String patient,
      String code,
      Instant time,
      double value,
      String unit,
      String device,
      String readingId) {

    String id() {
      return VitalObservationId.of(patient, code, time).value();
    }
  }

  private static final Row DEVICE_READING =
      new Row("p-api", "8867-4", NOW.minusSeconds(150), 70, "/min", "m", "device-1");
  private static final Row API_READING =
      new Row(
          "p-api",
          "8867-4",
          NOW.minusSeconds(5),
          71,
          "/min",
          "fhir-api",
          "Observation/o1/_history/1");

  @BeforeAll
  static void start() throws Exception {
    // p1: heart rate every minute for 40 minutes (some with milliseconds), SpO2 every 5 minutes,
    // two temperatures,
    // three blood pressures (systolic and diastolic rows at the same instant), readings two days
    // back
    for (int i = 0; i < 40; i++) {
      add(
          "p1",
          "8867-4",
          NOW.minusSeconds(60L * i).plusMillis(i % 3 == 0 ? 0 : 17 * i),
          60 + i,
          "/min");
    }
    for (int i = 0; i < 8; i++) {
      add("p1", "59408-5", NOW.minusSeconds(300L * i), 90 + i, "%");
    }
    add("p1", "8310-5", NOW.minusSeconds(1800), 37.2, "Cel");
    add("p1", "8310-5", NOW.minus(2, ChronoUnit.DAYS), 38.1, "Cel");
    for (int i = 0; i < 3; i++) {
      add("p1", "8480-6", NOW.minusSeconds(600L * i + 30), 120 + i, "mm[Hg]");
      add("p1", "8462-4", NOW.minusSeconds(600L * i + 30), 80 + i, "mm[Hg]");
    }
    add("p1", "8867-4", NOW.minus(2, ChronoUnit.DAYS).plusSeconds(5), 55, "/min");
    add("p2", "8867-4", NOW, 99, "/min");
    add(ODD_PATIENT, "8867-4", NOW.minusSeconds(10), 77, "/min");
    add(LONG_PATIENT, "8867-4", NOW.minusSeconds(10), 78, "/min");
    PostgresCoordinates database = LocalStack.shared().freshDatabase("vital_observations");
    try (Connection connection = database.dataSource().getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "insert into vital_reading values (?, ?, ?, ?, ?, ?, ?, now(), now())")) {
        for (Row row : ROWS) {
          insert(insert, row);
        }
        // p-api: a device reading, and a newer one that came from a FHIR API write (its
        // Observation is served from the resource store, not from here), in another minute
        insert(insert, DEVICE_READING);
        insert(insert, API_READING);
        // the same reading sent twice (another reading id): one Observation, the smaller reading id
        Row first = ROWS.get(0);
        insert(
            insert,
            new Row(
                first.patient(),
                first.code(),
                first.time(),
                1,
                first.unit(),
                "other",
                "zz-resent"));
        insert.executeBatch();
      }
      try (Statement statement = connection.createStatement()) {
        // the 1-minute windows the stream would have written
        statement.execute(
            """
            insert into vital_aggregate_1m
            select patient_id, code, date_bin('1 minute', effective_time, timestamptz '2000-01-01 00:00:00+00'),
                   date_bin('1 minute', effective_time, timestamptz '2000-01-01 00:00:00+00') + interval '1 minute',
                   min(unit), count(*), min(value), max(value), sum(value), avg(value), max(value), max(effective_time)
              from vital_reading group by 1, 2, 3, 4""");
      }
      // a respiratory rate the stream has not aggregated yet
      try (PreparedStatement insert =
          connection.prepareStatement(
              "insert into vital_reading values (?, ?, ?, ?, ?, ?, ?, now(), now())")) {
        insert(insert, add("p1", "9279-1", NOW.minusSeconds(45), 18, "/min"));
        insert.executeBatch();
      }
    }
    server = ReadOnlyServer.start(database);
    client = server.client();
    observations = server.app().getBean(VitalObservations.class);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void pagingThroughAPatientsReadingsGivesEachOnceNewestFirst() {
    List<String> expected = expectedIds(row -> row.patient().equals("p1"), false);
    assertThat(expected)
        .as("40 + 8 + 2 + 6 + 1 + 1 readings, the resent one not counted")
        .hasSize(58);

    List<String> ids =
        pageThrough(Map.of("patient", List.of("p1"), "category", List.of("vital-signs")), 7);

    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void oldestFirstWithSubjectReferenceAndSystemQualifiedCategory() {
    List<String> expected = expectedIds(row -> row.patient().equals("p1"), true);

    List<String> ids =
        pageThrough(
            Map.of(
                "subject",
                List.of("Patient/p1"),
                "category",
                List.of("http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"),
                "_sort",
                List.of("date")),
            11);

    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void codesAreLoincWithOrWithoutSystemAndCommaMeansOr() {
    assertThat(
            pageThrough(
                Map.of("patient", List.of("p1"), "code", List.of("http://loinc.org|8867-4")), 9))
        .containsExactlyElementsOf(
            expectedIds(row -> row.patient().equals("p1") && row.code().equals("8867-4"), false));
    assertThat(pageThrough(Map.of("patient", List.of("p1"), "code", List.of("8480-6,59408-5")), 4))
        .containsExactlyElementsOf(
            expectedIds(
                row ->
                    row.patient().equals("p1")
                        && (row.code().equals("8480-6") || row.code().equals("59408-5")),
                false));
    assertThat(
            search(
                    Map.of(
                        "patient", List.of("p1"), "code", List.of("http://snomed.info/sct|8867-4")),
                    10,
                    0)
                .matches())
        .as("another code system")
        .isEmpty();
  }

  @Test
  void dateRangesWithPrefixesAndPartialDates() {
    Instant from = NOW.minusSeconds(900);
    Instant to = NOW.minusSeconds(300);
    Map<String, List<String>> range =
        Map.of("patient", List.of("p1"), "date", List.of("ge" + from, "lt" + to));
    assertThat(pageThrough(range, 5))
        .containsExactlyElementsOf(
            expectedIds(
                row ->
                    row.patient().equals("p1")
                        && !row.time().isBefore(from)
                        && row.time().isBefore(to),
                false))
        .isNotEmpty();

    String twoDaysAgo = NOW.minus(2, ChronoUnit.DAYS).toString().substring(0, 10);
    Instant dayStart = Instant.parse(twoDaysAgo + "T00:00:00Z");
    assertThat(pageThrough(Map.of("patient", List.of("p1"), "date", List.of(twoDaysAgo)), 5))
        .containsExactlyElementsOf(
            expectedIds(
                row ->
                    row.patient().equals("p1")
                        && !row.time().isBefore(dayStart)
                        && row.time().isBefore(dayStart.plus(1, ChronoUnit.DAYS)),
                false))
        .hasSizeGreaterThanOrEqualTo(2);

    assertThat(
            pageThrough(Map.of("patient", List.of("p1"), "date", List.of("gt" + twoDaysAgo)), 50))
        .containsExactlyElementsOf(
            expectedIds(
                row ->
                    row.patient().equals("p1")
                        && !row.time().isBefore(dayStart.plus(1, ChronoUnit.DAYS)),
                false));

    Instant yearStart = Instant.parse(twoDaysAgo.substring(0, 4) + "-01-01T00:00:00Z");
    assertThat(
            pageThrough(
                Map.of(
                    "patient", List.of("p1"), "date", List.of("lt" + twoDaysAgo.substring(0, 4))),
                50))
        .containsExactlyElementsOf(
            expectedIds(
                row -> row.patient().equals("p1") && row.time().isBefore(yearStart), false));
  }

  @Test
  void totalOnlyWhenThePageIsNotFullAndHasMoreFromOneMoreRow() {
    long all = expectedIds(row -> row.patient().equals("p1"), false).size();
    Map<String, List<String>> p1 = Map.of("patient", List.of("p1"));

    SearchResult full = search(p1, 10, 0);
    assertThat(full.matches()).hasSize(10);
    assertThat(full.hasMore()).isTrue();
    assertThat(full.total()).isNull();

    SearchResult everything = search(p1, 1000, 0);
    assertThat(everything.hasMore()).isFalse();
    assertThat(everything.total()).isEqualTo(all);

    SearchResult exact = search(p1, (int) all, 0);
    assertThat(exact.hasMore()).isFalse();
    assertThat(exact.matches()).hasSize((int) all);

    SearchResult countOnly = search(p1, 0, 0);
    assertThat(countOnly.matches()).isEmpty();
    assertThat(countOnly.hasMore()).isTrue();

    SearchResult nobody = search(Map.of("patient", List.of("nobody")), 0, 0);
    assertThat(nobody.total()).isZero();
    assertThat(nobody.hasMore()).isFalse();
  }

  @Test
  void everyMatchIsAStrictlyValidVitalSignsObservationThatReadsBackIdentically() {
    SearchResult result = search(Map.of("patient", List.of("p1,p2," + ODD_PATIENT)), 1000, 0);
    assertThat(result.matches())
        .hasSize(expectedIds(row -> !row.patient().equals(LONG_PATIENT), false).size());
    for (String json : result.matches()) {
      Observation obs = StrictFhir.parse(Observation.class, json);
      String id = obs.getIdElement().getIdPart();
      assertThat(VitalObservations.isVitalId(id)).as(id).isTrue();
      assertThat(obs.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
      assertThat(obs.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
      assertThat(obs.getCode().getCodingFirstRep().getDisplay()).isNotBlank();
      assertThat(obs.getSubject().getReference()).startsWith("Patient/");
      assertThat(obs.getDevice().getReference()).startsWith("Device/");
      assertThat(obs.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
      assertThat(obs.getMeta().getLastUpdated()).isNotNull();
      assertThat(observations.read(id).contextWrite(Unsecured.context()).block())
          .as(id)
          .isEqualTo(json);
    }
  }

  @Test
  void aResentReadingIsOneObservation() {
    Row first = ROWS.get(0);
    Observation obs =
        StrictFhir.parse(
            Observation.class,
            observations.read(first.id()).contextWrite(Unsecured.context()).block());
    assertThat(obs.getIdentifierFirstRep().getValue()).isEqualTo(first.readingId());
    assertThat(obs.getValueQuantity().getValue().doubleValue()).isEqualTo(first.value());
  }

  @Test
  void patientIdsWithOtherCharactersAndOverlongOnes() {
    SearchResult odd = search(Map.of("patient", List.of("Patient/" + ODD_PATIENT)), 10, 0);
    assertThat(odd.matches())
        .singleElement()
        .satisfies(
            json -> {
              Observation obs = StrictFhir.parse(Observation.class, json);
              assertThat(obs.getSubject().getReference()).isEqualTo("Patient/" + ODD_PATIENT);
              assertThat(
                      observations
                          .read(obs.getIdElement().getIdPart())
                          .contextWrite(Unsecured.context())
                          .block())
                  .isEqualTo(json);
            });
    SearchResult overlong = search(Map.of("patient", List.of(LONG_PATIENT)), 10, 0);
    assertThat(overlong.matches())
        .singleElement()
        .satisfies(
            json -> {
              String id = StrictFhir.parse(Observation.class, json).getIdElement().getIdPart();
              assertThat(id).startsWith("vh-");
              assertThat(observations.read(id).contextWrite(Unsecured.context()).block())
                  .as("documented: hashed ids are not readable")
                  .isNull();
            });
  }

  @Test
  void readOfAnAbsentOrMalformedIdIsEmpty() {
    Row row = ROWS.get(5);
    assertThat(observations.read(row.id()).contextWrite(Unsecured.context()).block()).isNotNull();
    assertThat(
            observations
                .read(
                    VitalObservationId.of(row.patient(), row.code(), row.time().plusMillis(1))
                        .value())
                .contextWrite(Unsecured.context())
                .block())
        .isNull();
    assertThat(
            observations
                .read(VitalObservationId.of("p9", row.code(), row.time()).value())
                .contextWrite(Unsecured.context())
                .block())
        .isNull();
    assertThat(observations.read("vs-not-an-id").contextWrite(Unsecured.context()).block())
        .isNull();
    assertThat(observations.read("123").contextWrite(Unsecured.context()).block()).isNull();
  }

  @Test
  void searchesWithoutPatientOrWithUnknownParametersUnderStrictHandlingAreRefused() {
    assertThatThrownBy(() -> search(Map.of("category", List.of("vital-signs")), 10, 0))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("patient");
    assertThatThrownBy(
            () ->
                observations
                    .search(
                        new SearchRequest(
                            "Observation",
                            Map.of(
                                "patient", List.of("p1"), "device.device-name", List.of("monitor")),
                            10,
                            0,
                            true))
                    .contextWrite(Unsecured.context())
                    .block())
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("device.device-name");
    assertThatThrownBy(
            () -> search(Map.of("patient", List.of("p1"), "date", List.of("ap2026")), 10, 0))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("date");

    SearchResult lenient =
        search(
            Map.of(
                "patient",
                List.of("p1"),
                "device.device-name",
                List.of("monitor"),
                "_sort",
                List.of("code")),
            5,
            0);
    assertThat(lenient.ignoredParameters())
        .containsExactlyInAnyOrder("device.device-name", "_sort");
    assertThat(lenient.matches()).hasSize(5);
    assertThat(
            search(Map.of("patient", List.of("p1"), "category", List.of("laboratory")), 5, 0)
                .matches())
        .isEmpty();
  }

  @Test
  void lastnGivesTheNewestReadingOfEachCode() {
    Bundle bundle = lastn("/fhir/Observation/$lastn?patient=p1&category=vital-signs");

    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(entries(bundle)).containsExactlyElementsOf(expectedLastn("p1", 1));
    assertThat(entries(bundle))
        .as("a reading the stream has not aggregated yet is found too")
        .contains(ROWS.get(ROWS.size() - 1).id());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      assertThat(entry.getFullUrl())
          .endsWith("/fhir/Observation/" + entry.getResource().getIdElement().getIdPart());
      assertThat(entry.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
    }
  }

  @Test
  void lastnWithMaxThreeAndCodes() {
    assertThat(
            entries(
                lastn("/fhir/Observation/$lastn?subject=Patient/p1&category=vital-signs&max=3")))
        .containsExactlyElementsOf(expectedLastn("p1", 3));
    assertThat(
            entries(
                lastn(
                    "/fhir/Observation/$lastn?patient=p1&code=http://loinc.org|8310-5,8867-4&max=3")))
        .containsExactlyElementsOf(
            expectedLastn("p1", 3).stream()
                .filter(id -> id.contains("-83105-") || id.contains("-88674-"))
                .toList());
    assertThat(lastn("/fhir/Observation/$lastn?patient=nobody").getEntry()).isEmpty();
    assertThat(lastn("/fhir/Observation/$lastn?patient=p1&category=laboratory").getEntry())
        .as("another category: the resource store only (none here), not the readings")
        .isEmpty();
  }

  /**
   * A reading that came from a FHIR API write is that Observation's, served under its own id from
   * the resource store: the readings table neither lists it nor answers its reading id, and {@code
   * $lastn} passes over it even though its minute window is the newest.
   */
  @Test
  void readingsOfApiWritesAreLeftToTheResourceStore() {
    SearchResult search = search(Map.of("patient", List.of("p-api")), 10, 0);
    assertThat(search.matches()).hasSize(1);
    assertThat(search.matches().get(0)).contains("\"id\":\"" + DEVICE_READING.id() + "\"");
    client
        .get()
        .uri("/fhir/Observation/" + API_READING.id())
        .exchange()
        .expectStatus()
        .isNotFound();
    assertThat(entries(lastn("/fhir/Observation/$lastn?patient=p-api")))
        .containsExactly(DEVICE_READING.id());
    assertThat(entries(lastn("/fhir/Observation/$lastn?patient=p-api&max=3")))
        .containsExactly(DEVICE_READING.id());
  }

  @Test
  void badLastnRequestsGetOperationOutcomes() {
    assertOutcome("/fhir/Observation/$lastn?category=vital-signs", "patient");
    assertOutcome("/fhir/Observation/$lastn?patient=p1&max=0", "max");
    assertOutcome("/fhir/Observation/$lastn?patient=p1&max=many", "max");
    assertOutcome("/fhir/Observation/$lastn?patient=p1&date=ge2026", "date");
  }

  @Test
  void theExistingVitalsEndpointStillAnswers() {
    client
        .get()
        .uri("/api/v1/patients/p1/vitals?limit=3")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(3);
  }

  private static Row add(String patient, String code, Instant time, double value, String unit) {
    Row row = new Row(patient, code, time, value, unit, "dev-" + code, "r-" + ROWS.size());
    ROWS.add(row);
    return row;
  }

  private static void insert(PreparedStatement insert, Row row) throws java.sql.SQLException {
    insert.setString(1, row.patient());
    insert.setString(2, row.code());
    insert.setTimestamp(3, Timestamp.from(row.time()));
    insert.setDouble(4, row.value());
    insert.setString(5, row.unit());
    insert.setString(6, row.device());
    insert.setString(7, row.readingId());
    insert.addBatch();
  }

  /** Ids of the rows matching, in search order (time, then code, then patient). */
  private static List<String> expectedIds(Predicate<Row> filter, boolean ascending) {
    Comparator<Row> byTime = Comparator.comparing(Row::time);
    Comparator<Row> order =
        (ascending ? byTime : byTime.reversed())
            .thenComparing(Row::code)
            .thenComparing(Row::patient);
    return ROWS.stream().filter(filter).sorted(order).map(Row::id).distinct().toList();
  }

  /** Ids of the newest {@code max} readings per code, codes in order. */
  private static List<String> expectedLastn(String patient, int max) {
    Map<String, List<Row>> byCode = new LinkedHashMap<>();
    ROWS.stream()
        .filter(row -> row.patient().equals(patient))
        .sorted(Comparator.comparing(Row::code).thenComparing(Row::time, Comparator.reverseOrder()))
        .forEach(row -> byCode.computeIfAbsent(row.code(), code -> new ArrayList<>()).add(row));
    return byCode.values().stream().flatMap(rows -> rows.stream().limit(max)).map(Row::id).toList();
  }

  private static SearchResult search(Map<String, List<String>> parameters, int count, int offset) {
    return observations
        .search(new SearchRequest("Observation", parameters, count, offset, false))
        .contextWrite(Unsecured.context())
        .block();
  }

  /** Every page of a search, checking the paging contract on the way; the ids in order. */
  private static List<String> pageThrough(Map<String, List<String>> parameters, int count) {
    List<String> ids = new ArrayList<>();
    for (int offset = 0; ; offset += count) {
      SearchResult page = search(parameters, count, offset);
      assertThat(page.ignoredParameters()).isEmpty();
      for (String json : page.matches()) {
        ids.add(StrictFhir.parse(Observation.class, json).getIdElement().getIdPart());
      }
      if (!page.hasMore()) {
        assertThat(page.matches()).hasSizeLessThanOrEqualTo(count);
        assertThat(page.total()).isEqualTo((long) ids.size());
        return ids;
      }
      assertThat(page.matches()).hasSize(count);
      assertThat(page.total()).isNull();
    }
  }

  private static Bundle lastn(String uri) {
    String json =
        client
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith("application/fhir+json")
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return StrictFhir.parse(Bundle.class, json);
  }

  private static List<String> entries(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart())
        .toList();
  }

  private static void assertOutcome(String uri, String mentioned) {
    String json =
        client
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectHeader()
            .contentTypeCompatibleWith("application/fhir+json")
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    OperationOutcome outcome = StrictFhir.parse(OperationOutcome.class, json);
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).as(uri).contains(mentioned);
  }
}
