package io.vitalflow.processor.medication;

/**
 * A dead letter on its way to {@code fhir.resources.medication.dlq.v1}: the original value bytes;
 * the error and the source travel in the record's headers, the original key as the record key.
 */
record Rejected(byte[] raw) {

  /**
   * The value of a dead letter whose record is not at hand (a failed check, in the step after the
   * repartition): empty; its {@code vitalflow.source} header names the record in {@code
   * fhir.resources.v1}, kept forever.
   */
  static final byte[] NOT_CARRIED = new byte[0];
}
