package io.vitalflow.fhir.vitals;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.schemas.VitalSignType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * Vital-sign readings and FHIR R4 vital-signs {@code Observation}s, both ways.
 *
 * <p>Reading to Observation: one Observation per stored reading (blood pressure stays two
 * Observations, systolic and diastolic, as it is stored), conforming to the R4 vital-signs profile.
 *
 * <p>Observation to readings ({@link #fromObservation}): the rules of the ingest gateway's FHIR
 * input, with the units, conversions and plausible ranges of {@link VitalSignType}.
 */
public final class VitalSignMapping {

  public static final String LOINC_SYSTEM = "http://loinc.org";
  public static final String UCUM_SYSTEM = "http://unitsofmeasure.org";
  public static final String CATEGORY_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  public static final String VITAL_SIGNS = "vital-signs";

  /** Device of readings whose Observation names no {@code Device}. */
  public static final String DEFAULT_DEVICE = "fhir-api";

  /** System of the identifier that carries the reading id. */
  public static final String READING_ID_SYSTEM = "urn:vitalflow:reading-id";

  static final String VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private VitalSignMapping() {}

  /**
   * The readings a FHIR Observation stands for: one, two for a blood-pressure panel (85354-9 with
   * components 8480-6 and 8462-4; a component that is not usable is left out, each component's
   * reading id is {@code readingId + "-" + code}), none when it is not a vital sign VitalFlow
   * stores. Stored means: status absent, final, amended, corrected or preliminary; no category or
   * the vital-signs category; a LOINC code of {@link VitalSignType}; a {@code valueQuantity} in
   * UCUM with a unit convertible to the canonical unit and a plausible value; subject {@code
   * Patient/{id}}; {@code effectiveDateTime} or {@code effectiveInstant} to the second or finer,
   * not older than {@link VitalSignType#MAX_AGE} and not later than {@code clockSkew} ({@code
   * vitalflow.fhir.clock-skew}) after {@code receivedTime}.
   *
   * @param readingId the reading id, for Observations written through the FHIR API {@code
   *     Observation/<id>/_history/<version>}
   * @param receivedTime when the Observation was accepted
   * @param clockSkew how far after {@code receivedTime} the effective time may lie
   * @return the readings, in the canonical unit; empty when none
   */
  public static List<VitalSign> fromObservation(
      Observation obs, String readingId, Instant receivedTime, Duration clockSkew) {
    if (!isUsable(obs) || obs.hasCategory() && !hasVitalSignsCategory(obs.getCategory())) {
      return List.of();
    }
    String loinc = loincCode(obs.getCode());
    String patient = referenceId(obs.getSubject(), "Patient");
    Instant effective = effectiveTime(obs);
    if (loinc == null
        || patient == null
        || effective == null
        || effective.isBefore(receivedTime.minus(VitalSignType.MAX_AGE))
        || effective.isAfter(receivedTime.plus(clockSkew))) {
      return List.of();
    }
    String deviceId = referenceId(obs.getDevice(), "Device");
    String device = deviceId == null ? DEFAULT_DEVICE : deviceId;
    if (!Loinc.BLOOD_PRESSURE_PANEL.equals(loinc)) {
      VitalSign reading =
          reading(
              VitalSignType.ofCode(loinc),
              obs.getValue(),
              readingId,
              patient,
              device,
              effective,
              receivedTime);
      return reading == null ? List.of() : List.of(reading);
    }
    List<VitalSign> readings = new ArrayList<>(2);
    for (ObservationComponentComponent component : obs.getComponent()) {
      String code = loincCode(component.getCode());
      VitalSignType type = VitalSignType.ofCode(code);
      if (type == VitalSignType.SYSTOLIC_BP || type == VitalSignType.DIASTOLIC_BP) {
        VitalSign reading =
            reading(
                type,
                component.getValue(),
                readingId + "-" + code,
                patient,
                device,
                effective,
                receivedTime);
        if (reading != null) {
          readings.add(reading);
        }
      }
    }
    return List.copyOf(readings);
  }

  /**
   * The Observation of a reading (in its canonical unit), with the id it is read back by and {@code
   * meta.lastUpdated}.
   */
  public static Observation toObservation(VitalSign reading, Instant lastUpdated) {
    return toObservation(
        new StoredReading(
            reading.getPatientId(),
            reading.getCode(),
            reading.getEffectiveTime(),
            reading.getValue(),
            reading.getUnit(),
            reading.getDeviceId(),
            reading.getReadingId(),
            lastUpdated));
  }

  /** The Observation of a stored row. */
  static Observation toObservation(StoredReading reading) {
    VitalSignType type = VitalSignType.ofCode(reading.code());
    String display = type == null ? null : type.display();
    Observation obs = new Observation();
    obs.setId(reading.id().value());
    obs.getMeta()
        .setLastUpdatedElement(
            new InstantType(Date.from(reading.storedAt()), TemporalPrecisionEnum.MILLI, UTC));
    obs.getMeta().addProfile(VITAL_SIGNS_PROFILE);
    obs.addIdentifier().setSystem(READING_ID_SYSTEM).setValue(reading.readingId());
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.addCategory()
        .setText("Vital Signs")
        .addCoding()
        .setSystem(CATEGORY_SYSTEM)
        .setCode(VITAL_SIGNS)
        .setDisplay("Vital Signs");
    CodeableConcept code = obs.getCode();
    code.addCoding().setSystem(LOINC_SYSTEM).setCode(reading.code()).setDisplay(display);
    code.setText(display);
    obs.setSubject(new Reference("Patient/" + reading.patientId()));
    DateTimeType effective =
        new DateTimeType(
            Date.from(reading.effectiveTime()),
            reading.effectiveTime().toEpochMilli() % 1000 == 0
                ? TemporalPrecisionEnum.SECOND
                : TemporalPrecisionEnum.MILLI,
            UTC);
    effective.setTimeZoneZulu(true);
    obs.setEffective(effective);
    obs.setValue(
        new Quantity()
            .setValue(decimal(reading.value()))
            .setUnit(reading.unit())
            .setSystem(UCUM_SYSTEM)
            .setCode(reading.unit()));
    obs.setDevice(new Reference("Device/" + reading.deviceId()));
    return obs;
  }

  private static VitalSign reading(
      VitalSignType type,
      Type value,
      String readingId,
      String patient,
      String device,
      Instant effective,
      Instant received) {
    if (type == null
        || !(value instanceof Quantity quantity)
        || !quantity.hasValue()
        || quantity.hasSystem() && !UCUM_SYSTEM.equals(quantity.getSystem())) {
      return null;
    }
    String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    if (unit == null || !type.accepts(unit)) {
      return null;
    }
    double canonical = type.toCanonical(quantity.getValue().doubleValue(), unit);
    if (!type.isPlausible(canonical)) {
      return null;
    }
    return new VitalSign(
        readingId, patient, device, type.code(), canonical, type.unit(), effective, received);
  }

  private static boolean isUsable(Observation obs) {
    if (!obs.hasStatus()) {
      return true;
    }
    return switch (obs.getStatus()) {
      case FINAL, AMENDED, CORRECTED, PRELIMINARY -> true;
      default -> false;
    };
  }

  /**
   * Whether a category list holds vital-signs (with the observation-category system or without a
   * system).
   */
  static boolean hasVitalSignsCategory(List<CodeableConcept> categories) {
    for (CodeableConcept category : categories) {
      for (Coding coding : category.getCoding()) {
        if (VITAL_SIGNS.equals(coding.getCode())
            && (!coding.hasSystem() || CATEGORY_SYSTEM.equals(coding.getSystem()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first LOINC code of the concept that is stored or the blood-pressure panel, else null. */
  private static String loincCode(CodeableConcept concept) {
    for (Coding coding : concept.getCoding()) {
      if (LOINC_SYSTEM.equals(coding.getSystem())
          && coding.hasCode()
          && (VitalSignType.ofCode(coding.getCode()) != null
              || Loinc.BLOOD_PRESSURE_PANEL.equals(coding.getCode()))) {
        return coding.getCode();
      }
    }
    return null;
  }

  /** The id of a {@code type/{id}} reference (relative or absolute), else null. */
  private static String referenceId(Reference reference, String type) {
    if (!reference.hasReference()) {
      return null;
    }
    IdType id = new IdType(reference.getReference());
    return type.equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
  }

  /**
   * The effective instant of an Observation with a dateTime or instant to the second or finer, else
   * null.
   */
  private static Instant effectiveTime(Observation obs) {
    if (!obs.hasEffective()
        || !(obs.getEffective() instanceof BaseDateTimeType time)
        || time.getValue() == null) {
      return null;
    }
    TemporalPrecisionEnum precision = time.getPrecision();
    if (precision != TemporalPrecisionEnum.SECOND && precision != TemporalPrecisionEnum.MILLI) {
      return null;
    }
    return time.getValue().toInstant();
  }

  /** A decimal without a spurious fraction: 72 rather than 72.0. */
  private static BigDecimal decimal(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? BigDecimal.valueOf((long) value)
        : BigDecimal.valueOf(value);
  }
}
