package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.ReadOnlyServer;
import io.vitalflow.fhir.search.SearchDatabase;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.CallerAuthentication;
import io.vitalflow.web.security.SmartScopes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;

/**
 * Vital-signs searches as a FHIR client uses them, over HTTP against a real PostgreSQL holding both
 * places vital signs live (device readings in {@code vital_reading}, Observations written through
 * the API in the resource store): {@code _summary=count} and {@code _total=accurate} agree with the
 * entries, {@code _count=0} has no next page, and the Observation parameters the
 * CapabilityStatement lists for their fixed values ({@code status}, {@code identifier}, {@code
 * device}, {@code _id}, {@code _lastUpdated}, {@code value-quantity}, {@code _include}) work
 * instead of a 400.
 */
class VitalSignSearchTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final Instant STORED = Instant.parse("2024-01-01T00:00:00Z");
  private static final String M1 = "category=vital-signs&patient=m1";

  private static SearchDatabase database;
  private static ReadOnlyServer server;

  @BeforeAll
  static void start() throws Exception {
    database = new SearchDatabase("vital_sign_search");
    Patient m1 = new Patient();
    m1.setId("m1");
    m1.addName().setFamily("Chalmers").addGiven("Peter");
    Device device = new Device();
    device.setId("dev-1");
    device.addDeviceName().setName("monitor");
    database.store(
        STORED,
        m1,
        device,
        observation("api-hr", "m1", "8867-4", new DateTimeType(java.util.Date.from(NOW))),
        observation(
            "weight-old",
            "m1",
            "29463-7",
            new DateTimeType(java.util.Date.from(NOW.minus(8, ChronoUnit.DAYS)))),
        preliminary(observation("prelim", "m1", "8310-5", new DateTimeType("2026-01-02"))),
        observation("other", "m2", "8867-4", new DateTimeType(java.util.Date.from(NOW))));
    try (Connection connection = database.coordinates().dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into vital_reading values (?, ?, ?, ?, ?, ?, ?, now(), now())")) {
      for (int i = 0; i < 5; i++) {
        reading(insert, "m1", "8867-4", NOW.minusSeconds(60L * i + 5), "dev-1", "r" + i, 60 + i);
      }
      reading(insert, "m1", "59408-5", NOW.minusSeconds(30), "dev-2", "s0", 97);
      // sent twice: one Observation
      reading(insert, "m1", "8867-4", NOW.minusSeconds(5), "dev-1", "zz-again", 60);
      // the reading of the API-written api-hr: that Observation comes from the resource store
      reading(insert, "m1", "8867-4", NOW, "fhir-api", "Observation/api-hr/_history/1", 70);
      reading(insert, "m2", "8867-4", NOW.minusSeconds(5), "dev-9", "m2-r0", 70);
      insert.executeBatch();
    }
    server = ReadOnlyServer.start(database.coordinates());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void summaryCountIsTheTotalOfBothPlacesAndAgreesWithTheEntries() {
    Bundle all = bundle(M1 + "&_count=1000");
    assertThat(all.getEntry()).as("5 + 1 readings, 3 stored Observations").hasSize(9);
    for (String query :
        List.of(
            M1,
            M1 + "&code=8867-4",
            M1 + "&code=29463-7",
            M1 + "&date=ge" + NOW.minusSeconds(130),
            M1 + "&date=lt2026-06-01",
            "category=vital-signs&patient=m1,m2",
            "category=vital-signs&patient=nobody",
            "category=laboratory&patient=m1")) {
      Bundle count = bundle(query + "&_summary=count");
      assertThat(count.getEntry()).as(query).isEmpty();
      assertThat(count.getLink()).as(query).noneMatch(link -> link.getRelation().equals("next"));
      assertThat(count.getTotal())
          .as(query)
          .isEqualTo(bundle(query + "&_count=1000").getEntry().size());
    }
    assertThat(bundle(M1 + "&_summary=count").getTotal()).isEqualTo(9);
    Bundle accurate = bundle(M1 + "&_total=accurate&_count=2");
    assertThat(accurate.getEntry()).hasSize(2);
    assertThat(accurate.getTotal()).isEqualTo(9);
    Bundle none = bundle(M1 + "&_count=0");
    assertThat(none.getEntry()).isEmpty();
    assertThat(none.getLink()).noneMatch(link -> link.getRelation().equals("next"));
  }

  @Test
  void aPatientContextCountsOnlyItsOwnPatient() {
    VitalSignSearch search = server.app().getBean(VitalSignSearch.class);
    Caller m2 =
        new Caller(
            "u2", "app", SmartScopes.of(List.of("patient/*.rs")), Optional.of("m2"), Set.of());
    SearchRequest request =
        new SearchRequest(
            "Observation",
            Map.of(
                "category", List.of("vital-signs"),
                "patient", List.of("m1,m2"),
                "_summary", List.of("count")),
            20,
            0,
            true);
    SearchResult counted =
        search
            .search(request)
            .contextWrite(
                ReactiveSecurityContextHolder.withAuthentication(
                    new CallerAuthentication(m2, null)))
            .block();
    assertThat(counted.total()).as("m2's reading and m2's stored Observation only").isEqualTo(2);
  }

  @Test
  void statusMatchesTheFinalDeviceReadingsAndTheStoredObservationsByTheirOwn() {
    assertThat(ids(M1 + "&status=final")).hasSize(8).doesNotContain("prelim");
    assertThat(ids(M1 + "&status=http://hl7.org/fhir/observation-status|final")).hasSize(8);
    assertThat(ids(M1 + "&status=preliminary")).containsExactly("prelim");
    assertThat(ids(M1 + "&status:not=final")).containsExactly("prelim");
    assertThat(ids(M1 + "&status=final,preliminary")).hasSize(9);
  }

  @Test
  void identifierDeviceIdAndLastUpdatedSelectReadings() {
    String r1 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(65)).value();
    assertThat(ids(M1 + "&identifier=urn:vitalflow:reading-id|r1")).containsExactly(r1);
    assertThat(ids(M1 + "&identifier=r1")).containsExactly(r1);
    assertThat(ids(M1 + "&identifier=http://other|r1")).isEmpty();
    assertThat(ids(M1 + "&device=Device/dev-2"))
        .containsExactly(VitalObservationId.of("m1", "59408-5", NOW.minusSeconds(30)).value());
    assertThat(ids(M1 + "&_id=" + r1 + ",api-hr")).containsExactly("api-hr", r1);
    assertThat(ids(M1 + "&_lastUpdated=lt2025"))
        .containsExactlyInAnyOrder("api-hr", "weight-old", "prelim");
    assertThat(ids(M1 + "&_lastUpdated=gt2025")).hasSize(6).allMatch(id -> id.startsWith("vs-"));
  }

  @Test
  void valueQuantityComparesTheReadingsValueInItsUnit() {
    String r1 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(65)).value();
    String r3 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(185)).value();
    String r4 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(245)).value();
    String s0 = VitalObservationId.of("m1", "59408-5", NOW.minusSeconds(30)).value();
    assertThat(ids(M1 + "&value-quantity=gt62"))
        .as("readings 63, 64 and 97, the stored Observations' 70")
        .containsExactlyInAnyOrder(r3, r4, s0, "api-hr", "weight-old", "prelim");
    assertThat(ids(M1 + "&value-quantity=61")).containsExactly(r1);
    assertThat(ids(M1 + "&value-quantity=97|http://unitsofmeasure.org|%")).containsExactly(s0);
    assertThat(ids(M1 + "&value-quantity=ge63|http://unitsofmeasure.org|/min&value-quantity=lt64"))
        .containsExactly(r3);
    assertThat(ids(M1 + "&value-quantity=gt62|http://other.org|x")).isEmpty();
  }

  @Test
  void aChainThroughThePatientFindsItsReadingsAndStoredObservations() {
    assertThat(ids("category=vital-signs&patient.name=peter")).isEqualTo(ids(M1));
    assertThat(ids("category=vital-signs&patient.name=nobody")).isEmpty();
    assertThat(ids("category=vital-signs&subject:Patient.name=peter&code=59408-5"))
        .containsExactly(VitalObservationId.of("m1", "59408-5", NOW.minusSeconds(30)).value());
    assertThat(bundle("category=vital-signs&patient.name=peter&_summary=count").getTotal())
        .isEqualTo(9);
    Caller m2 =
        new Caller(
            "u2", "app", SmartScopes.of(List.of("patient/*.rs")), Optional.of("m2"), Set.of());
    SearchResult hidden =
        server
            .app()
            .getBean(VitalSignSearch.class)
            .search(
                new SearchRequest(
                    "Observation",
                    Map.of("category", List.of("vital-signs"), "patient.name", List.of("peter")),
                    20,
                    0,
                    true))
            .contextWrite(
                ReactiveSecurityContextHolder.withAuthentication(
                    new CallerAuthentication(m2, null)))
            .block();
    assertThat(hidden.matches()).as("m1 is not m2's to see").isEmpty();
  }

  @Test
  void includeAddsThePatientAndTheDeviceOfReadingsOnce() {
    Bundle patient = bundle(M1 + "&_include=Observation:patient");
    assertThat(patient.getEntry()).hasSize(10);
    assertThat(includes(patient)).containsExactly("Patient/m1");
    Bundle device = bundle(M1 + "&code=8867-4&_include=Observation:device");
    assertThat(includes(device))
        .as("dev-1 is stored, fhir-api is not")
        .containsExactly("Device/dev-1");
  }

  @Test
  void compositesComboCodeAndProfileMatchReadingsByTheirValues() {
    String r3 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(185)).value();
    String r4 = VitalObservationId.of("m1", "8867-4", NOW.minusSeconds(245)).value();
    String s0 = VitalObservationId.of("m1", "59408-5", NOW.minusSeconds(30)).value();
    assertThat(ids(M1 + "&code-value-quantity=http://loinc.org|8867-4$gt62"))
        .containsExactlyInAnyOrder(r3, r4, "api-hr");
    assertThat(ids(M1 + "&code-value-quantity=59408-5$97,8867-4$64"))
        .containsExactlyInAnyOrder(s0, r4);
    assertThat(ids(M1 + "&combo-code=59408-5")).containsExactly(s0);
    assertThat(ids(M1 + "&combo-value-quantity=ge97")).containsExactly(s0);
    assertThat(ids(M1 + "&_profile=http://hl7.org/fhir/StructureDefinition/vitalsigns"))
        .as("the readings carry the vital-signs profile, these stored Observations do not")
        .hasSize(6)
        .allMatch(id -> id.startsWith("vs-"));
  }

  /**
   * A parameter on an element device readings never have (performer, encounter, ...) matches no
   * reading, except {@code :missing=true} and {@code :not}; the stored Observations answer for
   * themselves.
   */
  @Test
  void parametersOnElementsReadingsLackMatchOnlyWhatHasThem() {
    assertThat(ids(M1 + "&performer=Practitioner/x")).isEmpty();
    assertThat(ids(M1 + "&performer:missing=true")).hasSize(9);
    assertThat(ids(M1 + "&encounter:missing=false")).isEmpty();
    assertThat(ids(M1 + "&value-concept:not=http://snomed.info/sct|1")).hasSize(9);
    assertThat(ids(M1 + "&_has:Observation:has-member:status=final")).isEmpty();
    assertThat(ids(M1 + "&performer.name=peter")).isEmpty();
  }

  @Test
  void parametersThatDeviceReadingsCannotAnswerAreStillRefused() {
    server
        .client()
        .get()
        .uri("/fhir/Observation?" + M1 + "&device.device-name=monitor")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("device.device-name"));
  }

  private static List<String> ids(String query) {
    return bundle(query + "&_count=1000").getEntry().stream()
        .filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
        .map(entry -> entry.getResource().getIdElement().getIdPart())
        .toList();
  }

  private static List<String> includes(Bundle bundle) {
    List<String> included = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE) {
        included.add(
            entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart());
      }
    }
    return included;
  }

  private static Bundle bundle(String query) {
    String json =
        server
            .client()
            .get()
            .uri("/fhir/Observation?" + query)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return StrictFhir.parse(Bundle.class, json);
  }

  private static Observation observation(
      String id, String patient, String code, DateTimeType effective) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation
        .addCategory()
        .addCoding()
        .setSystem(VitalSignMapping.CATEGORY_SYSTEM)
        .setCode(VitalSignMapping.VITAL_SIGNS);
    observation.getCode().addCoding().setSystem(VitalSignMapping.LOINC_SYSTEM).setCode(code);
    observation.setSubject(new Reference("Patient/" + patient));
    observation.setEffective(effective);
    observation.setValue(
        new Quantity().setValue(70).setSystem(VitalSignMapping.UCUM_SYSTEM).setCode("/min"));
    return observation;
  }

  private static Observation preliminary(Observation observation) {
    return observation.setStatus(Observation.ObservationStatus.PRELIMINARY);
  }

  private static void reading(
      PreparedStatement insert,
      String patient,
      String code,
      Instant time,
      String device,
      String readingId,
      double value)
      throws java.sql.SQLException {
    insert.setString(1, patient);
    insert.setString(2, code);
    insert.setTimestamp(3, Timestamp.from(time));
    insert.setDouble(4, value);
    insert.setString(5, code.equals("59408-5") ? "%" : "/min");
    insert.setString(6, device);
    insert.setString(7, readingId);
    insert.addBatch();
  }
}
