package io.vitalflow.processor.medication;

/**
 * A dead letter on its way to {@code fhir.resources.medication.dlq.v1}: the original value bytes; the error and
 * the source travel in the record's headers, the original key as the record key.
 */
record Rejected(byte[] raw) {
}
