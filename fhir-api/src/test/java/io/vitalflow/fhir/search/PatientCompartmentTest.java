package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The R4 Patient compartment as HAPI defines it, and its Java and SQL forms. */
class PatientCompartmentTest {

  @Test
  void theDefinitionsComeFromHapiWithTheirTypeTestsStripped() {
    assertThat(PatientCompartment.paths("Observation"))
        .containsExactlyInAnyOrder("performer", "subject");
    assertThat(PatientCompartment.paths("AllergyIntolerance"))
        .containsExactlyInAnyOrder("asserter", "patient", "recorder");
    assertThat(PatientCompartment.paths("Appointment")).containsExactly("participant.actor");
    assertThat(PatientCompartment.hasMembers("Patient")).isTrue();
    assertThat(PatientCompartment.hasMembers("Practitioner")).isFalse();
    assertThat(PatientCompartment.hasMembers("Organization")).isFalse();
    assertThat(PatientCompartment.memberTypes()).hasSizeGreaterThan(60).contains("Encounter");
    assertThat(
            PatientCompartment.relative(
                "Encounter", "Encounter.subject.where(resolve() is Patient)"))
        .isEqualTo("subject");
  }

  @Test
  void aResourceIsInTheCompartmentWhenACompartmentElementReferencesThePatient() {
    Observation performed = new Observation();
    performed.setSubject(new Reference("Patient/other"));
    performed.addPerformer(new Reference("Patient/p1"));
    assertThat(PatientCompartment.contains(performed, "o1", "p1")).isTrue();
    assertThat(PatientCompartment.contains(performed, "o1", "p2")).isFalse();

    Observation absolute = new Observation().setSubject(new Reference("http://x/fhir/Patient/p1"));
    assertThat(PatientCompartment.contains(absolute, "o2", "p1")).as("fails closed").isFalse();

    AllergyIntolerance allergy = new AllergyIntolerance().setRecorder(new Reference("Patient/p1"));
    assertThat(PatientCompartment.contains(allergy, "a1", "p1")).isTrue();

    Appointment appointment = new Appointment();
    appointment.addParticipant().setActor(new Reference("Practitioner/d"));
    appointment.addParticipant().setActor(new Reference("Patient/p1"));
    assertThat(PatientCompartment.contains(appointment, "ap", "p1")).isTrue();

    assertThat(PatientCompartment.contains(new Patient(), "p1", "p1")).isTrue();
    assertThat(PatientCompartment.contains(new Patient(), "p2", "p1")).isFalse();
    assertThat(PatientCompartment.contains(new Practitioner(), "d", "p1")).isFalse();
  }

  @Test
  void theSqlBindsEveryValueAndRefusesAnIdThatIsNoFhirId() {
    List<Object> binds = new ArrayList<>();
    String sql =
        PatientCompartment.sql(
            "r",
            "Observation",
            "p1",
            value -> {
              binds.add(value);
              return ":b" + binds.size();
            });

    assertThat(sql).doesNotContain("p1").contains("jsonb_path_exists");
    assertThat(binds)
        .containsExactly(
            "$ ? (@.performer.reference == $ref || @.subject.reference == $ref)",
            "{\"ref\":\"Patient/p1\"}");
    assertThat(PatientCompartment.sql("r", "Observation", "p1\"}", v -> ":x")).isEqualTo("false");
    assertThat(PatientCompartment.sql("r", "Practitioner", "p1", v -> ":x")).isEqualTo("false");
  }

  @Test
  void thePatientsOfStoredJsonWhateverTheOrderOfItsFields() {
    assertThat(PatientCompartment.patientsOfJson("{\"resourceType\":\"Patient\",\"id\":\"p1\"}"))
        .containsExactly("p1");
    assertThat(
            PatientCompartment.patientsOfJson(
                "{\"id\":\"p2\",\"meta\":{\"versionId\":\"1\"},\"resourceType\":\"Patient\"}"))
        .containsExactly("p2");
    assertThat(
            PatientCompartment.patientsOfJson(
                "{\"resourceType\":\"Observation\",\"id\":\"o1\","
                    + "\"subject\":{\"reference\":\"Patient/p3\"}}"))
        .containsExactly("p3");
    assertThat(
            PatientCompartment.patientsOfJson("{\"resourceType\":\"Patient\",\"id\":\"bad id\"}"))
        .isEmpty();
    assertThat(PatientCompartment.patientsOfJson("not json")).isEmpty();
  }
}
