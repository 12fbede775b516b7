package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.fhir.search.IndexEntries.DateRange;
import io.vitalflow.fhir.search.IndexEntries.Text;
import io.vitalflow.fhir.search.IndexEntries.Token;
import io.vitalflow.schemas.FhirDates;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SearchIndexerTest {

  private final SearchIndexer indexer = new SearchIndexer();

  @Test
  void patientIdentifiersNamesGenderAndPartialBirthDate() {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("http://hospital/mrn").setValue("12345");
    patient.addIdentifier().setValue("no-system");
    patient
        .addName()
        .setFamily("Müller-Lüdenscheidt")
        .addGiven("Zoë")
        .addGiven("Ángel")
        .addPrefix("Dr.");
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970"));

    IndexEntries entries = indexer.extract(patient);

    assertThat(entries.tokens())
        .containsExactlyInAnyOrder(
            new Token("identifier", "http://hospital/mrn", "12345"),
            new Token("identifier", null, "no-system"),
            new Token("gender", "http://hl7.org/fhir/administrative-gender", "female"),
            // the R4 expression deceased.exists() and deceased != false: false without one
            new Token("deceased", null, "false"));
    assertThat(entries.strings())
        .contains(
            new Text("family", "muller-ludenscheidt", "Müller-Lüdenscheidt"),
            new Text("given", "zoe", "Zoë"),
            new Text("given", "angel", "Ángel"),
            new Text("name", "muller-ludenscheidt", "Müller-Lüdenscheidt"),
            new Text("name", "zoe", "Zoë"),
            new Text("name", "dr.", "Dr."));
    assertThat(entries.strings())
        .noneMatch(t -> t.param().equals("family") && t.value().equals("zoe"));
    assertThat(entries.dates())
        .containsExactly(
            new DateRange(
                "birthdate",
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("1970-12-31T23:59:59.999Z")));
    assertThat(patient.hasManagingOrganization())
        .as("extraction must not add empty elements")
        .isFalse();
  }

  @Test
  void partialDatesCoverTheirWholePrecision() {
    assertThat(range("2020-02"))
        .isEqualTo(
            new FhirDates.Range(
                Instant.parse("2020-02-01T00:00:00Z"), Instant.parse("2020-02-29T23:59:59.999Z")));
    assertThat(range("2021-02-28"))
        .isEqualTo(
            new FhirDates.Range(
                Instant.parse("2021-02-28T00:00:00Z"), Instant.parse("2021-02-28T23:59:59.999Z")));
    assertThat(range("2020-05-01T10:00:00+02:00"))
        .isEqualTo(
            new FhirDates.Range(
                Instant.parse("2020-05-01T08:00:00Z"), Instant.parse("2020-05-01T08:00:00.999Z")));
    assertThat(range("2020-05-01T10:00Z"))
        .isEqualTo(
            new FhirDates.Range(
                Instant.parse("2020-05-01T10:00:00Z"), Instant.parse("2020-05-01T10:00:59.999Z")));
    assertThat(range("2020-05-01T10:00:00.123456Z"))
        .isEqualTo(
            new FhirDates.Range(
                Instant.parse("2020-05-01T10:00:00.123456Z"),
                Instant.parse("2020-05-01T10:00:00.123456Z")));
    for (String bad :
        List.of("2020-13", "2020-02-30", "20", "2020-05-01T25:00:00Z", "2020/05", "0000", "")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FhirDates.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void observationSubjectPatientCodeCategoryAndEffectivePeriod() {
    Observation observation = new Observation();
    observation.setSubject(new Reference("Patient/p1"));
    observation.setCode(
        new CodeableConcept()
            .addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"))
            .addCoding(new Coding(null, "hr", null)));
    observation
        .addCategory()
        .addCoding(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null));
    observation.setEffective(
        new Period()
            .setStartElement(new DateTimeType("2020-05-01"))
            .setEndElement(new DateTimeType("2020-05-03T12:00:00Z")));
    observation.addIdentifier().setSystem("urn:sys").setValue("o-1");

    IndexEntries entries = indexer.extract(observation);

    assertThat(entries.references())
        .containsExactlyInAnyOrder(
            new IndexEntries.Reference("subject", "Patient", "p1"),
            new IndexEntries.Reference("patient", "Patient", "p1"));
    assertThat(entries.tokens())
        .contains(
            new Token("code", "http://loinc.org", "8867-4"),
            new Token("code", null, "hr"),
            new Token(
                "category",
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "vital-signs"),
            new Token("identifier", "urn:sys", "o-1"));
    assertThat(entries.dates())
        .containsExactly(
            new DateRange(
                "date",
                Instant.parse("2020-05-01T00:00:00Z"),
                Instant.parse("2020-05-03T12:00:00.999Z")));
  }

  @Test
  void openPeriodsAndInstantsAndGroupSubjects() {
    Observation open =
        new Observation()
            .setSubject(new Reference("Group/g1"))
            .setEffective(new Period().setStartElement(new DateTimeType("2021")));
    IndexEntries entries = indexer.extract(open);
    assertThat(entries.dates())
        .containsExactly(
            new DateRange("date", Instant.parse("2021-01-01T00:00:00Z"), FhirDates.MAX));
    assertThat(entries.references())
        .containsExactly(new IndexEntries.Reference("subject", "Group", "g1"));

    Observation instant =
        new Observation()
            .setEffective(new org.hl7.fhir.r4.model.InstantType("2021-03-04T05:06:07.890Z"));
    assertThat(indexer.extract(instant).dates())
        .containsExactly(
            new DateRange(
                "date",
                Instant.parse("2021-03-04T05:06:07.890Z"),
                Instant.parse("2021-03-04T05:06:07.890Z")));
  }

  @Test
  void referenceForms() {
    assertThat(SearchIndexer.parseReference("Patient/123", null)).containsExactly("Patient", "123");
    assertThat(SearchIndexer.parseReference("123", "Patient")).containsExactly("Patient", "123");
    assertThat(SearchIndexer.parseReference("123", null)).isNull();
    assertThat(SearchIndexer.parseReference("https://fhir.example.org/r4/Patient/abc", null))
        .containsExactly("Patient", "abc");
    assertThat(SearchIndexer.parseReference("Patient/abc/_history/3", null))
        .containsExactly("Patient", "abc");
    assertThat(SearchIndexer.parseReference("#contained", "Patient")).isNull();
    assertThat(SearchIndexer.parseReference("urn:uuid:0b3f", "Patient")).isNull();
    assertThat(SearchIndexer.parseReference("Practitioner?identifier=x|1", null)).isNull();
    assertThat(SearchIndexer.parseReference("patient/1", null)).isNull();
  }

  @Test
  void medicationRequestEncounterConditionAllergyIssue() {
    MedicationRequest request =
        new MedicationRequest()
            .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
            .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
            .setMedication(
                new CodeableConcept()
                    .addCoding(
                        new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "1049502", null)))
            .setSubject(new Reference("http://x/fhir/Patient/p2"))
            .setRequester(new Reference("Practitioner/dr1"));
    IndexEntries entries = indexer.extract(request);
    assertThat(entries.tokens())
        .contains(
            new Token(
                "status", "http://hl7.org/fhir/CodeSystem/medicationrequest-status", "active"),
            new Token("code", "http://www.nlm.nih.gov/research/umls/rxnorm", "1049502"));
    assertThat(entries.tokens())
        .anyMatch(t -> t.param().equals("intent") && t.code().equals("order"));
    assertThat(entries.references())
        .contains(
            new IndexEntries.Reference("patient", "Patient", "p2"),
            new IndexEntries.Reference("requester", "Practitioner", "dr1"));

    Encounter encounter =
        new Encounter()
            .setSubject(new Reference("Patient/p3"))
            .setPeriod(new Period().setStartElement(new DateTimeType("2022-01-01T08:00:00Z")));
    assertThat(indexer.extract(encounter).references())
        .contains(new IndexEntries.Reference("patient", "Patient", "p3"));

    Condition condition = new Condition().setSubject(new Reference("Group/g"));
    assertThat(indexer.extract(condition).references())
        .containsExactly(new IndexEntries.Reference("subject", "Group", "g"));

    AllergyIntolerance allergy = new AllergyIntolerance().setPatient(new Reference("p4"));
    allergy.addIdentifier().setSystem("s").setValue("a1");
    IndexEntries allergyEntries = indexer.extract(allergy);
    assertThat(allergyEntries.references())
        .containsExactly(new IndexEntries.Reference("patient", "Patient", "p4"));
    assertThat(allergyEntries.tokens()).containsExactly(new Token("identifier", "s", "a1"));

    DetectedIssue issue = new DetectedIssue().setPatient(new Reference("Patient/p5"));
    issue.addImplicated(new Reference("MedicationRequest/m1"));
    assertThat(indexer.extract(issue).references())
        .containsExactlyInAnyOrder(
            new IndexEntries.Reference("patient", "Patient", "p5"),
            new IndexEntries.Reference("implicated", "MedicationRequest", "m1"));
  }

  @Test
  void practitionerAndOrganizationNamesAndNpi() {
    Practitioner practitioner = new Practitioner();
    practitioner.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("9999");
    practitioner.addName().setFamily("Ødegård").addGiven("Åse");
    IndexEntries entries = indexer.extract(practitioner);
    assertThat(entries.tokens())
        .filteredOn(t -> t.param().equals("identifier"))
        .containsExactly(new Token("identifier", "http://hl7.org/fhir/sid/us-npi", "9999"));
    assertThat(entries.strings())
        .contains(new Text("family", "ødegard", "Ødegård"), new Text("given", "ase", "Åse"));

    Organization organization = new Organization().setName("Saint-Éloi Hospital");
    organization.addAlias("SEH");
    assertThat(indexer.extract(organization).strings())
        .filteredOn(t -> t.param().equals("name"))
        .containsExactly(
            new Text("name", "saint-eloi hospital", "Saint-Éloi Hospital"),
            new Text("name", "seh", "SEH"));
  }

  @Test
  void entriesFromJsonParsedResourceAndUnindexedTypes() {
    String json =
        """
        {"resourceType":"Patient","id":"x","name":[{"family":"Chalmers","given":["Peter","James"]}],
         "birthDate":"1974-12-25","gender":"male"}""";
    Patient patient = FhirContext.forR4Cached().newJsonParser().parseResource(Patient.class, json);
    IndexEntries entries = indexer.extract(patient);
    assertThat(entries.dates())
        .containsExactly(
            new DateRange(
                "birthdate",
                Instant.parse("1974-12-25T00:00:00Z"),
                Instant.parse("1974-12-25T23:59:59.999Z")));
    assertThat(entries.strings()).extracting(Text::value).contains("chalmers", "peter", "james");
    assertThat(indexer.extract(new org.hl7.fhir.r4.model.Device()).isEmpty()).isTrue();
  }

  private static FhirDates.Range range(String value) {
    return FhirDates.parse(value);
  }
}
