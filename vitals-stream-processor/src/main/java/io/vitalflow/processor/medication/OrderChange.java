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
 * @param source where that record came from, {@code topic-partition@offset}: what a dead letter names should the
 *     check fail (the record itself stays in {@code fhir.resources.v1}, which is never deleted, so the change does
 *     not carry its bytes through the repartition topic)
 */
record OrderChange(String patientId, String orderId, Medication medication, String sourceKey, String source) {

  /** Version 2 dropped version 1's copy of the source record's bytes; version 1 records still read. */
  static final Serde<OrderChange> SERDE = Binary.serde(2, 1, (value, out) -> {
    out.writeString(value.patientId());
    out.writeString(value.orderId());
    out.writeBoolean(value.medication() != null);
    if (value.medication() != null) {
      out.writeString(value.medication().rxcui());
      out.writeString(value.medication().name());
    }
    out.writeString(value.sourceKey());
    out.writeString(value.source());
  }, (version, in) -> {
    String patient = in.readString();
    String order = in.readString();
    Medication medication = in.readBoolean() ? new Medication(in.readString(), in.readString()) : null;
    OrderChange change = new OrderChange(patient, order, medication, in.readString(), in.readString());
    if (version == 1) {
      in.skipBytes();
    }
    return change;
  });

  OrderChange {
    Objects.requireNonNull(patientId, "patientId");
    Objects.requireNonNull(orderId, "orderId");
  }

  boolean removes() {
    return medication == null;
  }
}
