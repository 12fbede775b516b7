package io.vitalflow.processor.medication;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serde;

import io.vitalflow.interactions.Medication;

/**
 * One change of one patient's medication list, keyed by patient on the repartition topic: order
 * {@code orderId} now stands for {@code medication}, or (medication {@code null}) no longer counts.
 *
 * @param patientId the patient whose list changes
 * @param orderId id of the MedicationRequest
 * @param medication what the order is for, or {@code null} when it was stopped, completed, deleted, ...
 * @param sourceKey key of the {@code fhir.resources.v1} record ({@code MedicationRequest/id})
 * @param source where that record came from, {@code topic-partition@offset}
 * @param raw the original {@code fhir.resources.v1} value bytes, for a dead letter should the check fail
 */
record OrderChange(String patientId, String orderId, Medication medication, String sourceKey, String source,
    byte[] raw) {

  static final Serde<OrderChange> SERDE = Binary.serde((byte) 1, (value, out) -> {
    Binary.writeString(out, value.patientId());
    Binary.writeString(out, value.orderId());
    out.writeBoolean(value.medication() != null);
    if (value.medication() != null) {
      Binary.writeString(out, value.medication().rxcui());
      Binary.writeString(out, value.medication().name());
    }
    Binary.writeString(out, value.sourceKey());
    Binary.writeString(out, value.source());
    Binary.writeBytes(out, value.raw());
  }, in -> {
    String patient = Binary.readString(in);
    String order = Binary.readString(in);
    Medication medication = in.readBoolean() ? new Medication(Binary.readString(in), Binary.readString(in)) : null;
    return new OrderChange(patient, order, medication, Binary.readString(in), Binary.readString(in),
        Binary.readBytes(in));
  });

  OrderChange {
    Objects.requireNonNull(patientId, "patientId");
    Objects.requireNonNull(orderId, "orderId");
  }

  boolean removes() {
    return medication == null;
  }
}
