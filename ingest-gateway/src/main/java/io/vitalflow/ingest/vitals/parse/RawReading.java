package io.vitalflow.ingest.vitals.parse;

/**
 * One reading as the client sent it, before validation. Absent fields are null ({@code value}:
 * NaN).
 *
 * @param index position of the item it came from (see {@link Rejection#index()})
 * @param names what the fields are called in the request
 * @param id client's reading id, or null for a generated one
 * @param effectiveTime ISO-8601 date-time with offset, as sent
 */
public record RawReading(
    int index,
    FieldNames names,
    String id,
    String patientId,
    String deviceId,
    String code,
    double value,
    String unit,
    String effectiveTime) {}
