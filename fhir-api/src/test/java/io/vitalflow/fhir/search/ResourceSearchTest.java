package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.fhir.Unsecured;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ResourceSearch} against a real PostgreSQL with the real schema and index rows from the
 * indexer.
 */
class ResourceSearchTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final String LOINC = "http://loinc.org";
  private static SearchDatabase database;
  private static ResourceSearch search;

  @BeforeAll
  static void load() {
    database = new SearchDatabase("search-test");
    search = new ResourceSearch(database.client());
    database.store(
        T0, patient("p1", "Müller", "Zoë", "1970", AdministrativeGender.FEMALE, "mrn", "1"));
    Patient p2 =
        patient("p2", "Muller", "Adam", "1970-06-15", AdministrativeGender.MALE, "mrn", "2");
    p2.addIdentifier().setSystem("other").setValue("2");
    database.store(T0.plusSeconds(1), p2);
    database.store(
        T0.plusSeconds(2),
        patient("p3", "Smith", "Anna", "1985-03", AdministrativeGender.FEMALE, null, "3"));
    database.store(
        T0.plusSeconds(3),
        patient("p4", "Mullins", "Gone", "1990", AdministrativeGender.MALE, "mrn", "4"));
    database.delete(T0.plusSeconds(4), "Patient", "p4");
    Practitioner dr = new Practitioner();
    dr.setId("dr1");
    dr.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("9999");
    dr.addName().setFamily("House");
    database.store(T0, dr);
    // 25 heart rates of p2, one a day, stored in an order unlike their dates; 2 of p1; 1 of deleted
    // p4
    for (int i = 0; i < 25; i++) {
      int day = (i * 7) % 25 + 1;
      database.store(
          T0.plusSeconds(100 + i),
          observation(
              "hr" + i,
              "Patient/p2",
              "8867-4",
              new DateTimeType("2023-03-" + String.format("%02d", day) + "T10:00:00Z")));
    }
    database.store(
        T0.plusSeconds(200),
        observation("bp1", "Patient/p1", "8480-6", new DateTimeType("2023-02")));
    Observation period =
        observation(
            "bp2",
            "https://fhir.example.org/Patient/p1",
            "8480-6",
            new Period()
                .setStartElement(new DateTimeType("2023-04-01T00:00:00Z"))
                .setEndElement(new DateTimeType("2023-04-02T00:00:00Z")));
    database.store(T0.plusSeconds(201), period);
    database.store(
        T0.plusSeconds(202),
        observation("orphan", "Patient/p4", "8480-6", new DateTimeType("2023-05-01")));
    MedicationRequest request =
        new MedicationRequest()
            .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
            .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
            .setMedication(new CodeableConcept().addCoding(new Coding("rx", "1049502", null)))
            .setSubject(new Reference("Patient/p3"));
    request.setId("m1");
    database.store(T0.plusSeconds(300), request);
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void tokenForms() {
    assertThat(ids("Patient", "identifier=mrn|1")).containsExactly("p1");
    assertThat(ids("Patient", "identifier=2")).containsExactly("p2");
    assertThat(ids("Patient", "identifier=|3")).containsExactly("p3");
    assertThat(ids("Patient", "identifier=|1")).isEmpty();
    assertThat(ids("Patient", "identifier=mrn|")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "gender=female")).containsExactly("p1", "p3");
    assertThat(ids("Patient", "gender=http://hl7.org/fhir/administrative-gender|male"))
        .containsExactly("p2");
    assertThat(ids("Patient", "gender=other|male")).isEmpty();
    assertThat(ids("MedicationRequest", "status=active&intent=order&code=rx|1049502"))
        .containsExactly("m1");
    assertThat(ids("MedicationRequest", "status=stopped")).isEmpty();
  }

  @Test
  void stringsMatchPrefixesIgnoringCaseAndAccentsOrExactly() {
    assertThat(ids("Patient", "family=mul")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "family=MÜL")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "family=muller")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "family=mullerx")).isEmpty();
    assertThat(ids("Patient", "family:exact=Müller")).containsExactly("p1");
    assertThat(ids("Patient", "family:exact=müller")).isEmpty();
    assertThat(ids("Patient", "family:exact=Mül")).isEmpty();
    assertThat(ids("Patient", "name=zo")).containsExactly("p1");
    assertThat(ids("Patient", "given:contains=nn")).containsExactly("p3");
    assertThat(ids("Practitioner", "name=hou")).containsExactly("dr1");
  }

  @Test
  void commaIsOrAndRepetitionIsAnd() {
    assertThat(ids("Patient", "family=smith,muller")).containsExactly("p1", "p2", "p3");
    assertThat(ids("Patient", "family=muller&gender=female")).containsExactly("p1");
    assertThat(ids("Patient", "given=zoe&given=adam")).isEmpty();
    assertThat(ids("Patient", "given=zoe,adam&given=adam")).containsExactly("p2");
    assertThat(ids("Patient", "_id=p1,p3,p4")).containsExactly("p1", "p3");
    assertThat(ids("Patient", "_id=p1&_id=p2")).isEmpty();
  }

  @Test
  void everyDatePrefixOnPartialBirthDates() {
    // p1 1970 (the whole year), p2 1970-06-15, p3 1985-03
    assertThat(ids("Patient", "birthdate=1970")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "birthdate=eq1970-06")).containsExactly("p2");
    assertThat(ids("Patient", "birthdate=1970-06-15")).containsExactly("p2");
    assertThat(ids("Patient", "birthdate=ne1970")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=ne1970-06-15")).containsExactly("p1", "p3");
    assertThat(ids("Patient", "birthdate=gt1970-06-15")).containsExactly("p1", "p3");
    assertThat(ids("Patient", "birthdate=gt1970")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=lt1970-06-15")).containsExactly("p1");
    assertThat(ids("Patient", "birthdate=lt1970")).isEmpty();
    assertThat(ids("Patient", "birthdate=ge1970-06-15")).containsExactly("p1", "p2", "p3");
    assertThat(ids("Patient", "birthdate=ge1971")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=le1970-06-15")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "birthdate=le1985-02")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "birthdate=sa1970-06")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=sa1969")).containsExactly("p1", "p2", "p3");
    assertThat(ids("Patient", "birthdate=eb1970-06-15")).isEmpty();
    assertThat(ids("Patient", "birthdate=eb1971")).containsExactly("p1", "p2");
    assertThat(ids("Patient", "birthdate=ap1985-03-10")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=ge1980&birthdate=lt1986")).containsExactly("p3");
    assertThat(ids("Patient", "birthdate=1970-06-15,1985")).containsExactly("p2", "p3");
  }

  @Test
  void observationDatesAndPeriods() {
    assertThat(ids("Observation", "patient=p1&date=2023-04-01"))
        .isEmpty(); // the period outlasts the day
    assertThat(ids("Observation", "patient=p1&date=2023-04")).containsExactly("bp2");
    assertThat(ids("Observation", "patient=p1&date=ge2023-04-01T12:00:00Z")).containsExactly("bp2");
    assertThat(ids("Observation", "patient=p1&date=lt2023-02-10")).containsExactly("bp1");
    assertThat(ids("Observation", "date=2023-03-05T10:00:00Z"))
        .containsExactly("hr22"); // (22 * 7) % 25 + 1 = 5
    assertThat(ids("Observation", "date=2023-03-05T10:00:00.000Z"))
        .isEmpty(); // a point inside the second
    assertThat(ids("Observation", "date=2023-03-05T12:00:00+02:00")).containsExactly("hr22");
  }

  @Test
  void lastUpdatedWithPrefixes() {
    assertThat(ids("Patient", "_lastUpdated=gt" + T0.plusSeconds(1))).containsExactly("p3");
    assertThat(ids("Patient", "_lastUpdated=le" + T0.plusSeconds(1))).containsExactly("p1", "p2");
    assertThat(ids("Patient", "_lastUpdated=2024-01-01")).containsExactly("p1", "p2", "p3");
    assertThat(ids("Patient", "_lastUpdated=2023")).isEmpty();
  }

  @Test
  void referenceForms() {
    List<String> p1 = List.of("bp1", "bp2");
    assertThat(ids("Observation", "subject=Patient/p1")).containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "subject=p1")).containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "subject:Patient=p1")).containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "subject=http://other.org/fhir/Patient/p1"))
        .containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "patient=p1")).containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "patient=Patient/p1,Patient/p3")).containsExactlyElementsOf(p1);
    assertThat(ids("Observation", "subject=Group/p1")).isEmpty();
    assertThat(ids("Observation", "patient=p2&code=" + LOINC + "|8867-4")).hasSize(25);
    assertThat(ids("MedicationRequest", "patient=p3")).containsExactly("m1");
  }

  @Test
  void pagingVisitsEveryMatchOnceAndGivesTheTotalWhenCheap() {
    List<String> seen = new ArrayList<>();
    int offset = 0;
    int pages = 0;
    while (true) {
      SearchResult page = page("Observation", "patient=p2&_sort=date", 7, offset);
      pages++;
      seen.addAll(idsOf(page.matches()));
      if (!page.hasMore()) {
        assertThat(page.total()).isEqualTo(25L);
        break;
      }
      assertThat(page.matches()).hasSize(7);
      assertThat(page.total()).isNull();
      offset += 7;
    }
    assertThat(pages).isEqualTo(4);
    assertThat(seen).doesNotHaveDuplicates().hasSize(25);
    assertThat(seen).isEqualTo(ids("Observation", "patient=p2&_sort=date"));

    List<String> byUpdate = new ArrayList<>();
    for (int start = 0; start < 25; start += 4) {
      byUpdate.addAll(idsOf(page("Observation", "patient=p2", 4, start).matches()));
    }
    assertThat(byUpdate).doesNotHaveDuplicates().hasSize(25).startsWith("hr0", "hr1", "hr2");

    assertThat(page("Observation", "patient=p2&_total=accurate", 5, 0).total()).isEqualTo(25L);
    assertThat(page("Observation", "patient=p2&_total=none", 50, 0).total()).isNull();
    SearchResult countOnly = page("Observation", "patient=p2", 0, 0);
    assertThat(countOnly.matches()).isEmpty();
    assertThat(countOnly.total()).isEqualTo(25L);
    // a total-only page has no next page: it would be this page again (a client following next
    // loops)
    assertThat(countOnly.hasMore()).isFalse();
    SearchResult beyond = page("Observation", "patient=p2", 10, 30);
    assertThat(beyond.matches()).isEmpty();
    assertThat(beyond.hasMore()).isFalse();
  }

  @Test
  void sorting() {
    List<String> ascending = ids("Observation", "patient=p2&_sort=date");
    assertThat(ascending).hasSize(25);
    List<String> days = new ArrayList<>();
    for (String id : ascending) {
      int i = Integer.parseInt(id.substring(2));
      days.add(String.format("%02d", (i * 7) % 25 + 1));
    }
    assertThat(days).isSorted();
    List<String> descending = ids("Observation", "patient=p2&_sort=-date");
    assertThat(descending).containsExactlyElementsOf(reversed(ascending));
    assertThat(ids("Patient", "_sort=birthdate")).containsExactly("p1", "p2", "p3");
    // descending compares the high end: the whole of 1970 (p1) ends after 1970-06-15 (p2)
    assertThat(ids("Patient", "_sort=-birthdate")).containsExactly("p3", "p1", "p2");
    // Müller and Muller tie on the normalised family name; given breaks the tie
    assertThat(ids("Patient", "_sort=family,given")).containsExactly("p2", "p1", "p3");
    assertThat(ids("Patient", "_sort=family,-given")).containsExactly("p1", "p2", "p3");
    assertThat(ids("Patient", "_sort=-family,given")).containsExactly("p3", "p2", "p1");
    assertThat(ids("Patient", "_sort=-_lastUpdated")).containsExactly("p3", "p2", "p1");
    assertThat(ids("Patient", "")).containsExactly("p1", "p2", "p3");
  }

  @Test
  void includesAreTheDistinctCurrentTargets() {
    SearchResult result =
        page("Observation", "code=8480-6,8867-4&_include=Observation:subject", 100, 0);
    assertThat(result.matches()).hasSize(28);
    assertThat(idsOf(result.includes())).containsExactly("p1", "p2"); // not the deleted p4
    assertThat(page("Observation", "_id=bp1&_include=Observation:subject:Group", 10, 0).includes())
        .isEmpty();
    assertThat(
            idsOf(
                page("Observation", "_id=bp1&_include=Observation:patient:Patient", 10, 0)
                    .includes()))
        .containsExactly("p1");
    assertThat(
            idsOf(
                page("MedicationRequest", "_include=MedicationRequest:patient", 10, 0).includes()))
        .containsExactly("p3");
    SearchResult onlyPage =
        page("Observation", "patient=p2&_sort=date&_include=Observation:subject", 3, 0);
    assertThat(idsOf(onlyPage.includes())).containsExactly("p2");
  }

  @Test
  void unknownParametersAreIgnoredOrRejected() {
    SearchResult lenient =
        page("Patient", "family=smith&foo=bar&subject.name=x&_summary=true&_elements=id", 10, 0);
    assertThat(idsOf(lenient.matches())).containsExactly("p3");
    assertThat(lenient.ignoredParameters()).containsExactlyInAnyOrder("foo", "subject.name");
    assertThat(page("Patient", "_include=Patient:foo", 10, 0).ignoredParameters())
        .containsExactly("_include");
    assertThat(page("Patient", "_sort=gender", 10, 0).ignoredParameters()).isEmpty();
    assertThatThrownBy(() -> strict("Patient", "family=smith&foo=bar"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("'foo'")
        .hasMessageContaining("family");
    assertThatThrownBy(() -> strict("Patient", "_sort=foo"))
        .isInstanceOf(InvalidSearchException.class);
  }

  @Test
  void malformedValuesAreRejectedWithAnExplanation() {
    assertThatThrownBy(() -> ids("Patient", "birthdate=1970-13"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("birthdate=1970-13");
    assertThatThrownBy(() -> ids("Patient", "birthdate=xx1970"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> ids("Patient", "_lastUpdated=yesterday"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("Patient", "gender:in=male"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageContaining(":in");
    assertThatThrownBy(() -> ids("Patient", "family:sounds=x"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("Observation", "subject:Practitioner=1"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("Observation", "subject=Patient?identifier=1"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("Patient", "_total=some"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("Patient", "_include=Patient"))
        .isInstanceOf(InvalidSearchException.class);
    assertThatThrownBy(() -> ids("patient; drop table x", ""))
        .isInstanceOf(InvalidSearchException.class);
  }

  @Test
  void valuesAreBoundNotConcatenated() {
    assertThat(ids("Patient", "family=x' or '1'='1")).isEmpty();
    assertThat(ids("Patient", "identifier=mrn|1' or 1=1 --")).isEmpty();
    assertThat(ids("Patient", "family=%")).isEmpty();
    assertThat(ids("Patient", "family=_uller")).isEmpty();
    assertThat(database.count("select count(*) from fhir_resource")).isGreaterThan(30);
  }

  @Test
  void findIdsForConditionalCreateAndReferences() {
    assertThat(
            search
                .findIds(
                    "Practitioner",
                    Map.of("identifier", List.of("http://hl7.org/fhir/sid/us-npi|9999")),
                    2)
                .contextWrite(Unsecured.context())
                .block())
        .containsExactly("dr1");
    assertThat(
            search
                .findIds(
                    "Practitioner",
                    Map.of("identifier", List.of("http://hl7.org/fhir/sid/us-npi|1")),
                    2)
                .contextWrite(Unsecured.context())
                .block())
        .isEmpty();
    assertThat(
            search
                .findIds("Patient", Map.of("identifier", List.of("mrn|")), 1)
                .contextWrite(Unsecured.context())
                .block())
        .containsExactly("p1");
    assertThat(
            search
                .findIds("Patient", Map.of("identifier", List.of("mrn|4")), 2)
                .contextWrite(Unsecured.context())
                .block())
        .isEmpty();
    assertThatThrownBy(
            () ->
                search
                    .findIds("Patient", Map.of("identifer", List.of("mrn|1")), 2)
                    .contextWrite(Unsecured.context())
                    .block())
        .isInstanceOf(InvalidSearchException.class);
  }

  @Test
  void supportedParametersNameTheirTypes() {
    List<SearchParameterInfo> patient = search.supportedParameters("Patient");
    assertThat(patient)
        .extracting(SearchParameterInfo::name)
        .contains(
            "_id", "_lastUpdated", "identifier", "name", "family", "given", "birthdate", "gender");
    assertThat(patient)
        .filteredOn(p -> p.name().equals("birthdate"))
        .extracting(p -> p.type().code())
        .containsExactly("date");
    assertThat(search.supportedParameters("Observation"))
        .extracting(SearchParameterInfo::name)
        .contains("subject", "patient", "code", "category", "date");
  }

  static List<String> ids(String type, String query) {
    return idsOf(page(type, query, 1000, 0).matches());
  }

  static SearchResult page(String type, String query, int count, int offset) {
    return search
        .search(new SearchRequest(type, parse(query), count, offset, false))
        .contextWrite(Unsecured.context())
        .block();
  }

  static SearchResult strict(String type, String query) {
    return search
        .search(new SearchRequest(type, parse(query), 10, 0, true))
        .contextWrite(Unsecured.context())
        .block();
  }

  static Map<String, List<String>> parse(String query) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      parameters
          .computeIfAbsent(pair.substring(0, equals), k -> new ArrayList<>())
          .add(pair.substring(equals + 1));
    }
    return parameters;
  }

  static List<String> idsOf(List<String> resources) {
    List<String> ids = new ArrayList<>();
    for (String json : resources) {
      Matcher matcher = ID.matcher(json);
      assertThat(matcher.find()).isTrue();
      ids.add(matcher.group(1));
    }
    return ids;
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static Patient patient(
      String id,
      String family,
      String given,
      String birthDate,
      AdministrativeGender gender,
      String system,
      String value) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addName().setFamily(family).addGiven(given);
    patient.setBirthDateElement(new DateType(birthDate));
    patient.setGender(gender);
    patient.addIdentifier().setSystem(system).setValue(value);
    return patient;
  }

  private static Observation observation(
      String id, String subject, String code, org.hl7.fhir.r4.model.Type effective) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setSubject(new Reference(subject));
    observation.setCode(new CodeableConcept().addCoding(new Coding(LOINC, code, null)));
    observation.setEffective(effective);
    return observation;
  }

  @Test
  void aCountBindsOnlyThePlaceholdersItsSqlNames() {
    java.util.Map<String, Object> binds = new java.util.LinkedHashMap<>();
    binds.put("p1", "a");
    binds.put("p10", "b");
    binds.put("p2", "c");
    assertThat(ResourceSearch.usedBy("x = :p10 and y = :p2", binds).keySet())
        .containsExactly("p10", "p2");
    assertThat(ResourceSearch.usedBy("x = :p1", binds).keySet()).containsExactly("p1");
    assertThat(ResourceSearch.usedBy("x = :p1_b", binds)).isEmpty();
  }
}
