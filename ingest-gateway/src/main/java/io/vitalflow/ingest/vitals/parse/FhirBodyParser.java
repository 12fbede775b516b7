package io.vitalflow.ingest.vitals.parse;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalSignType;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code application/fhir+json}: one FHIR R4 vital-signs {@code Observation}, or a {@code Bundle}
 * of them (any bundle type; each entry is one item). Patient from {@code subject} ({@code
 * Patient/{id}}), device from {@code device} ({@code Device/{id}} or its identifier), LOINC code
 * from {@code code.coding}, value and UCUM unit from {@code valueQuantity}, time from {@code
 * effectiveDateTime} / {@code effectiveInstant}. A blood pressure panel (85354-9) becomes one
 * systolic and one diastolic reading from its components. A duplicated key anywhere refuses the
 * whole body (400, {@link UniqueKeys}).
 */
public final class FhirBodyParser implements BodyParser {

  static final String LOINC_SYSTEM = "http://loinc.org";
  static final String UCUM_SYSTEM = "http://unitsofmeasure.org";
  static final String CATEGORY_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String BLOOD_PRESSURE_PANEL = Loinc.BLOOD_PRESSURE_PANEL;

  private final FhirContext fhir;
  private final JsonFactory strictJson;

  public FhirBodyParser(FhirContext fhir) {
    this.fhir = fhir;
    this.strictJson = UniqueKeys.strict(new JsonFactory());
  }

  @Override
  public ParsedBatch parse(byte[] body, int maxItems) {
    IBaseResource resource = parseResource(body);
    BatchCollector collector = new BatchCollector(maxItems);
    if (resource instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        item(entry.getResource(), collector.nextItem(), collector);
      }
    } else {
      item(resource, collector.nextItem(), collector);
    }
    return collector.result();
  }

  private IBaseResource parseResource(byte[] body) {
    // HAPI's JSON reader keeps the last of duplicated keys: refuse them first, in one streaming
    // pass
    UniqueKeys.check(strictJson, body);
    // a parser is cheap and not thread-safe: one per request
    IParser parser =
        fhir.newJsonParser()
            .setParserErrorHandler(new LenientErrorHandler(false))
            .setOverrideResourceIdWithBundleEntryFullUrl(false);
    try {
      return parser.parseResource(new ByteArrayInputStream(body));
    } catch (RuntimeException e) {
      // HAPI throws DataFormatException for most bad input, and a few others for odd JSON; all mean
      // 400
      throw new MalformedBodyException(
          "Not a FHIR R4 JSON resource: " + firstLine(e.getMessage()), e);
    }
  }

  private static void item(IBaseResource resource, int index, BatchCollector collector) {
    if (!(resource instanceof Observation observation)) {
      String type = resource == null ? "nothing" : resource.fhirType();
      collector.reject(
          index,
          "resourceType",
          "expected an Observation, found " + type,
          RejectReason.UNSUPPORTED_RESOURCE);
      return;
    }
    Observation.ObservationStatus status = observation.getStatus();
    if (status != null && !isUsable(status)) {
      collector.reject(
          index,
          "status",
          "status "
              + status.toCode()
              + " is not a result (expected final,"
              + " amended, corrected or preliminary)",
          RejectReason.UNSUPPORTED_RESOURCE);
      return;
    }
    if (observation.hasCategory() && !isVitalSign(observation.getCategory())) {
      collector.reject(
          index, "category", "not a vital-signs Observation", RejectReason.UNSUPPORTED_RESOURCE);
      return;
    }
    String loinc = loincCode(observation.getCode());
    if (loinc == null) {
      collector.reject(
          index, "code", "no coding with system " + LOINC_SYSTEM, RejectReason.UNKNOWN_CODE);
      return;
    }
    String id = observation.getIdElement().getIdPart();
    String patient = referenceId(observation.getSubject(), "Patient", false);
    if (observation.hasSubject() && patient == null) {
      collector.reject(
          index, "subject", "must reference a Patient as Patient/{id}", RejectReason.INVALID_ID);
      return;
    }
    String device = referenceId(observation.getDevice(), "Device", true);
    if (observation.hasDevice() && device == null) {
      collector.reject(
          index,
          "device",
          "must reference a Device as Device/{id} or by identifier",
          RejectReason.INVALID_ID);
      return;
    }
    String effective = effectiveTime(observation, index, collector);
    if (effective == null && observation.hasEffective()) {
      return;
    }
    if (BLOOD_PRESSURE_PANEL.equals(loinc)) {
      components(observation, index, id, patient, device, effective, collector);
    } else {
      value(
          observation.getValue(),
          index,
          FieldNames.FHIR,
          id,
          patient,
          device,
          loinc,
          effective,
          collector);
    }
  }

  private static void components(
      Observation panel,
      int index,
      String id,
      String patient,
      String device,
      String effective,
      BatchCollector collector) {
    List<ObservationComponentComponent> components = panel.getComponent();
    if (components.isEmpty()) {
      collector.reject(
          index,
          "component",
          "a blood pressure panel needs systolic (8480-6) and diastolic" + " (8462-4) components",
          RejectReason.MISSING_FIELD);
      return;
    }
    for (int i = 0; i < components.size(); i++) {
      ObservationComponentComponent component = components.get(i);
      FieldNames names = FieldNames.fhirComponent(i);
      String loinc = loincCode(component.getCode());
      if (loinc == null) {
        collector.reject(
            index,
            names.code(),
            "no coding with system " + LOINC_SYSTEM,
            RejectReason.UNKNOWN_CODE);
        continue;
      }
      String componentId = id == null ? null : id + "-" + loinc;
      value(
          component.getValue(),
          index,
          names,
          componentId,
          patient,
          device,
          loinc,
          effective,
          collector);
    }
  }

  private static void value(
      Type value,
      int index,
      FieldNames names,
      String id,
      String patient,
      String device,
      String loinc,
      String effective,
      BatchCollector collector) {
    if (value != null && !(value instanceof Quantity)) {
      collector.reject(
          index,
          names.value(),
          "value[x] must be a valueQuantity, found " + value.fhirType(),
          RejectReason.WRONG_TYPE);
      return;
    }
    Quantity quantity = (Quantity) value;
    double number = Double.NaN;
    String unit = null;
    if (quantity != null) {
      if (quantity.hasSystem() && !UCUM_SYSTEM.equals(quantity.getSystem())) {
        collector.reject(
            index,
            names.unit(),
            "valueQuantity.system must be " + UCUM_SYSTEM,
            RejectReason.INCOMPATIBLE_UNIT);
        return;
      }
      number = quantity.hasValue() ? quantity.getValue().doubleValue() : Double.NaN;
      unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    }
    collector.accept(
        new RawReading(index, names, id, patient, device, loinc, number, unit, effective));
  }

  /**
   * The effective time as sent, null when absent; rejects (and returns null) a Period or Timing.
   */
  private static String effectiveTime(
      Observation observation, int index, BatchCollector collector) {
    if (!observation.hasEffective()) {
      return null;
    }
    Type effective = observation.getEffective();
    if (effective instanceof BaseDateTimeType time) {
      return time.getValueAsString();
    }
    collector.reject(
        index,
        FieldNames.FHIR.effectiveTime(),
        "must be effectiveDateTime or effectiveInstant," + " found " + effective.fhirType(),
        RejectReason.INVALID_TIME);
    return null;
  }

  /** The first known LOINC code of the concept, else its first LOINC code, else null. */
  private static String loincCode(CodeableConcept concept) {
    String first = null;
    for (Coding coding : concept.getCoding()) {
      if (LOINC_SYSTEM.equals(coding.getSystem()) && coding.hasCode()) {
        if (VitalSignType.ofCode(coding.getCode()) != null
            || BLOOD_PRESSURE_PANEL.equals(coding.getCode())) {
          return coding.getCode();
        }
        if (first == null) {
          first = coding.getCode();
        }
      }
    }
    return first;
  }

  /**
   * The id of a {@code Type/{id}} reference (relative or absolute), else (when {@code
   * byIdentifier}) its identifier value, else null.
   */
  private static String referenceId(Reference reference, String type, boolean byIdentifier) {
    if (reference.hasReference()) {
      IdType id = new IdType(reference.getReference());
      return type.equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
    }
    if (byIdentifier && reference.hasIdentifier() && reference.getIdentifier().hasValue()) {
      return reference.getIdentifier().getValue();
    }
    return null;
  }

  private static boolean isUsable(Observation.ObservationStatus status) {
    return switch (status) {
      case FINAL, AMENDED, CORRECTED, PRELIMINARY -> true;
      default -> false;
    };
  }

  private static boolean isVitalSign(List<CodeableConcept> categories) {
    for (CodeableConcept category : categories) {
      for (Coding coding : category.getCoding()) {
        if ("vital-signs".equals(coding.getCode())
            && (!coding.hasSystem() || CATEGORY_SYSTEM.equals(coding.getSystem()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
