package io.vitalflow.ingest.vitals.parse;

/**
 * What the fields of a reading are called in the request, so that a rejection names the field the
 * client sent: {@code unit} in JSON, {@code valueQuantity.code} in a FHIR Observation, and so on.
 */
public record FieldNames(
    String id,
    String patientId,
    String deviceId,
    String code,
    String value,
    String unit,
    String effectiveTime) {

  /** The reading object of {@code application/json} and {@code application/x-ndjson}. */
  public static final FieldNames JSON =
      new FieldNames("id", "patientId", "deviceId", "code", "value", "unit", "effectiveTime");

  /** A FHIR Observation. */
  public static final FieldNames FHIR =
      new FieldNames(
          "id",
          "subject",
          "device",
          "code",
          "valueQuantity.value",
          "valueQuantity.code",
          "effective[x]");

  /** The {@code component[i]} of a FHIR Observation panel (blood pressure). */
  public static FieldNames fhirComponent(int component) {
    String prefix = "component[" + component + "].";
    return new FieldNames(
        FHIR.id,
        FHIR.patientId,
        FHIR.deviceId,
        prefix + FHIR.code,
        prefix + FHIR.value,
        prefix + FHIR.unit,
        FHIR.effectiveTime);
  }
}
