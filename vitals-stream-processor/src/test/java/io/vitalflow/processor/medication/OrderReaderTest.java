package io.vitalflow.processor.medication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.vitalflow.interactions.Medication;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader against the rules applied to HAPI's full model (what the reader replaced):
 * for any MedicationRequest HAPI writes, both must say the same patient, medication and activity.
 */
class OrderReaderTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Set<MedicationRequest.MedicationRequestStatus> ACTIVE =
      Set.of(
          MedicationRequest.MedicationRequestStatus.ACTIVE,
          MedicationRequest.MedicationRequestStatus.ONHOLD);

  private final OrderReader reader = new OrderReader();

  @Property(tries = 500)
  void agreesWithTheFullHapiModel(@ForAll("requests") MedicationRequest request) {
    String json = FHIR.newJsonParser().encodeResourceToString(request);
    MedicationRequest parsed = FHIR.newJsonParser().parseResource(MedicationRequest.class, json);

    assertThat(reader.read(json)).isEqualTo(reference(parsed));
  }

  @Test
  void readsATypicalOrder() {
    String json =
        """
        {"resourceType":"MedicationRequest","id":"m1","meta":{"versionId":"2"},"status":"active",
         "intent":"order","extension":[{"url":"x","valueString":"{\\"status\\":\\"stopped\\"}"}],
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
         "code":" 855332 ","display":"warfarin sodium 5 MG Oral Tablet"}]},
         "subject":{"reference":"Patient/p-1/_history/3","display":"someone"},"dosageInstruction":[{"text":"1/d"}]}
        """;
    assertThat(reader.read(json))
        .isEqualTo(
            new OrderReader.Order(
                "p-1", new Medication("855332", "warfarin sodium 5 MG Oral Tablet"), null));
  }

  @Test
  void referencesOfOtherKindsHaveNoPatient() {
    assertThat(OrderReader.patientId("https://ehr.example/fhir/Patient/42")).isEqualTo("42");
    assertThat(OrderReader.patientId("Group/7")).isNull();
    assertThat(OrderReader.patientId("#contained")).isNull();
    assertThat(OrderReader.patientId("urn:uuid:0b4e7c3a-cc55-4d44-8b8d-3c3bd5f7f6a1")).isNull();
    assertThat(OrderReader.patientId("Patient/")).isNull();
    assertThat(OrderReader.patientId("42")).isNull();
  }

  @Test
  void textThatIsNotAMedicationRequestIsRefused() {
    assertThatThrownBy(() -> reader.read("{\"resourceType\":\"Patient\",\"id\":\"1\"}"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("not MedicationRequest");
    assertThatThrownBy(() -> reader.read("{\"resourceType\":\"MedicationRequest\",\"status\":"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith("not valid JSON");
    assertThatThrownBy(() -> reader.read("[1,2]")).isInstanceOf(DataFormatException.class);
    // wrong JSON types where the check reads: HAPI refuses them, so does the reader (the event is
    // dead-lettered)
    assertThatThrownBy(() -> reader.read("{\"resourceType\":\"MedicationRequest\",\"status\":42}"))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("status must be a string, found VALUE_NUMBER_INT");
    assertThatThrownBy(
            () -> reader.read("{\"resourceType\":\"MedicationRequest\",\"status\":\"paused\"}"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("not a MedicationRequest status code");
    assertThatThrownBy(
            () ->
                FHIR.newJsonParser()
                    .parseResource(
                        MedicationRequest.class,
                        "{\"resourceType\":\"MedicationRequest\",\"status\":\"paused\"}"))
        .as("HAPI refuses it too")
        .isInstanceOf(DataFormatException.class);
    assertThatThrownBy(
            () -> reader.read("{\"resourceType\":\"MedicationRequest\",\"subject\":\"Patient/1\"}"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith("subject must be an object");
    assertThatThrownBy(
            () ->
                reader.read(
                    "{\"resourceType\":\"MedicationRequest\",\"medicationCodeableConcept\":{\"coding\":[\"x\"]}}"))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith("medicationCodeableConcept.coding[]");
  }

  /** The rules as they were applied to HAPI's model before the streaming reader. */
  private static OrderReader.Order reference(MedicationRequest request) {
    String patient = null;
    Reference subject = request.getSubject();
    if (subject != null && subject.hasReference()) {
      IdType id = new IdType(subject.getReference());
      patient = "Patient".equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
    }
    String rxcui = null;
    String name = null;
    if (request.hasMedicationCodeableConcept()) {
      CodeableConcept concept = request.getMedicationCodeableConcept();
      for (Coding coding : concept.getCoding()) {
        if (rxcui == null && OrderReader.RXNORM.equals(coding.getSystem()) && coding.hasCode()) {
          rxcui = coding.getCode().trim();
        }
        if (name == null && coding.hasDisplay()) {
          name = coding.getDisplay();
        }
      }
      if (concept.hasText()) {
        name = concept.getText();
      }
    } else if (request.hasMedicationReference() && request.getMedicationReference().hasDisplay()) {
      name = request.getMedicationReference().getDisplay();
    }
    Medication medication =
        rxcui == null && (name == null || name.isBlank())
            ? OrderReader.UNIDENTIFIED
            : new Medication(rxcui, name == null || name.isBlank() ? null : name.strip());
    // an order naming no usable medication still counts (it is reported as not checked)
    String ended =
        request.getStatus() == null || !ACTIVE.contains(request.getStatus())
            ? String.valueOf(request.getStatus() == null ? null : request.getStatus().toCode())
            : request.getDoNotPerform() ? OrderReader.DO_NOT_PERFORM : null;
    return new OrderReader.Order(patient, medication, ended);
  }

  @Provide
  Arbitrary<MedicationRequest> requests() {
    Arbitrary<MedicationRequest.MedicationRequestStatus> status =
        Arbitraries.of(
                MedicationRequest.MedicationRequestStatus.ACTIVE,
                MedicationRequest.MedicationRequestStatus.ONHOLD,
                MedicationRequest.MedicationRequestStatus.STOPPED,
                MedicationRequest.MedicationRequestStatus.DRAFT,
                MedicationRequest.MedicationRequestStatus.COMPLETED)
            .injectNull(0.1);
    Arbitrary<String> subject =
        Arbitraries.of(
                "Patient/p1",
                "Patient/p-2/_history/4",
                "Group/g1",
                "https://h.example/fhir/Patient/p3",
                "#c1",
                "urn:uuid:6a1f1f3e-8a55-4a6e-9b3c-1c2f3e4d5a6b")
            .injectNull(0.1);
    Arbitrary<String> text =
        Arbitraries.of("warfarin", " Aspirin 81 MG ", "", "   ", "ibuprofen").injectNull(0.4);
    Arbitrary<Coding> coding =
        Combinators.combine(
                Arbitraries.of(OrderReader.RXNORM, "http://snomed.info/sct").injectNull(0.1),
                Arbitraries.of("855332", " 310965", "1191", "").injectNull(0.2),
                Arbitraries.of("warfarin sodium 5 MG Oral Tablet", "ibuprofen 200 MG")
                    .injectNull(0.4))
            .as((system, code, display) -> new Coding(system, code, display));
    Arbitrary<List<Coding>> codings = coding.list().ofMaxSize(3);
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 2);
    return Combinators.combine(status, Arbitraries.of(true, false), subject, kind, codings, text)
        .as(
            (s, doNotPerform, subjectRef, medicationKind, codes, conceptText) -> {
              MedicationRequest request = new MedicationRequest();
              request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
              request.setStatus(s);
              if (doNotPerform) {
                request.setDoNotPerform(true);
              }
              if (subjectRef != null) {
                request.setSubject(new Reference(subjectRef));
              }
              if (medicationKind == 0) {
                CodeableConcept concept = new CodeableConcept();
                codes.forEach(concept::addCoding);
                concept.setText(conceptText);
                request.setMedication(concept);
              } else if (medicationKind == 1) {
                request.setMedication(new Reference("Medication/m1").setDisplay(conceptText));
              }
              return request;
            });
  }
}
