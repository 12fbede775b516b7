package io.vitalflow.fhir.vitals;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;

/** One row of {@code vital_reading}, as the FHIR views read it. */
record StoredReading(
    String patientId,
    String code,
    Instant effectiveTime,
    double value,
    String unit,
    String deviceId,
    String readingId,
    Instant storedAt) {

  /** The columns {@link #of(Readable)} reads, for {@code select} lists. */
  static final String COLUMNS =
      "patient_id, code, effective_time, value, unit, device_id, reading_id, stored_at";

  static StoredReading of(Readable row) {
    return new StoredReading(
        row.get("patient_id", String.class),
        row.get("code", String.class),
        row.get("effective_time", OffsetDateTime.class).toInstant(),
        row.get("value", Double.class),
        row.get("unit", String.class),
        row.get("device_id", String.class),
        row.get("reading_id", String.class),
        row.get("stored_at", OffsetDateTime.class).toInstant());
  }

  VitalObservationId id() {
    return VitalObservationId.of(patientId, code, effectiveTime);
  }
}
