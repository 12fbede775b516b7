package io.vitalflow.processor.medication;

import java.util.Set;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.interactions.Medication;

/** Reads what the interaction check needs from a MedicationRequest: patient, medication, whether it counts. */
final class OrderReader {

  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  /**
   * Statuses whose medication is on the patient's list. {@code on-hold} is a pause with the intent to continue,
   * so the drug still matters; {@code draft} is not yet authorised and {@code unknown} says nothing, so neither
   * counts; {@code stopped}, {@code completed}, {@code cancelled} and {@code entered-in-error} end the order.
   */
  static final Set<MedicationRequest.MedicationRequestStatus> ACTIVE = Set.of(
      MedicationRequest.MedicationRequestStatus.ACTIVE, MedicationRequest.MedicationRequestStatus.ONHOLD);

  /** What one MedicationRequest version says, {@code patientId} null when its subject is not a Patient. */
  record Order(String patientId, Medication medication, boolean active) {
  }

  private final FhirContext fhir;

  OrderReader(FhirContext fhir) {
    this.fhir = fhir;
  }

  /** @throws ca.uhn.fhir.parser.DataFormatException when the JSON is not a MedicationRequest */
  Order read(String json) {
    MedicationRequest request = fhir.newJsonParser().parseResource(MedicationRequest.class, json);
    String patient = patientId(request.getSubject());
    Medication medication = medication(request);
    boolean active = ACTIVE.contains(request.getStatus()) && !request.getDoNotPerform() && medication != null;
    return new Order(patient, medication, active);
  }

  static String patientId(Reference subject) {
    if (subject == null || !subject.hasReference()) {
      return null;
    }
    IdType id = new IdType(subject.getReference());
    return "Patient".equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
  }

  /**
   * The RxNorm code of {@code medicationCodeableConcept} if there is one, and a name (its text, else a coding's
   * display, else the display of {@code medicationReference}) for the checker's name matching; {@code null}
   * when neither exists.
   */
  static Medication medication(MedicationRequest request) {
    String rxcui = null;
    String name = null;
    if (request.hasMedicationCodeableConcept()) {
      CodeableConcept concept = request.getMedicationCodeableConcept();
      for (Coding coding : concept.getCoding()) {
        if (rxcui == null && RXNORM.equals(coding.getSystem()) && coding.hasCode()) {
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
    if (rxcui == null && (name == null || name.isBlank())) {
      return null;
    }
    return new Medication(rxcui, name == null || name.isBlank() ? null : name.strip());
  }
}
