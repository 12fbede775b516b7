package io.vitalflow.processor.medication;

import io.vitalflow.interactions.Medication;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One change of one patient's medication list, keyed by patient on the repartition topic: order
 * {@code orderId} now stands for {@code medication}, or (medication {@code null}) no longer counts.
 *
 * @param patientId the patient whose list changes
 * @param orderId id of the MedicationRequest
 * @param medication what the order is for, or {@code null} when it was stopped, completed, deleted,
 *     ...
 * @param source where that record came from, {@code topic-partition@offset}: what a dead letter
 *     names should the check fail (the record itself stays in {@code fhir.resources.v1}, which is
 *     never deleted, so the change does not carry its bytes through the repartition topic)
 * @param ended for a removal, why the order no longer counts: its MedicationRequest status ({@code
 *     stopped}, {@code completed}, {@code cancelled}, {@code entered-in-error}, {@code draft},
 *     {@code unknown}), {@value OrderReader#DO_NOT_PERFORM}, {@value #DELETED} or {@value #MOVED};
 *     null for an order that counts, and for removals written before version 3
 */
record OrderChange(
    String patientId, String orderId, Medication medication, String source, String ended) {

  /** {@link #ended} of an order whose MedicationRequest was deleted. */
  static final String DELETED = "deleted";

  /** {@link #ended} of an order whose subject became another patient (or no patient). */
  static final String MOVED = "moved";

  /**
   * Version 2 dropped version 1's copy of the source record's bytes; version 3 added {@code ended}
   * and dropped the source record's key, which is always {@code MedicationRequest/<orderId>}
   * ({@link #sourceKey}). Older records still read.
   */
  static final Serde<OrderChange> SERDE =
      Binary.serde(
          3,
          1,
          (value, out) -> {
            out.writeString(value.patientId());
            out.writeString(value.orderId());
            out.writeBoolean(value.medication() != null);
            if (value.medication() != null) {
              out.writeString(value.medication().rxcui());
              out.writeString(value.medication().name());
            }
            out.writeString(value.source());
            out.writeString(value.ended());
          },
          (version, in) -> {
            String patient = in.readString();
            String order = in.readString();
            Medication medication =
                in.readBoolean() ? new Medication(in.readString(), in.readString()) : null;
            if (version < 3) {
              in.skipBytes(); // the source record's key
            }
            String source = in.readString();
            if (version == 1) {
              in.skipBytes();
            }
            return new OrderChange(
                patient, order, medication, source, version >= 3 ? in.readString() : null);
          });

  OrderChange {
    Objects.requireNonNull(patientId, "patientId");
    Objects.requireNonNull(orderId, "orderId");
  }

  /** Key of the {@code fhir.resources.v1} record: what a dead letter of this change is keyed by. */
  String sourceKey() {
    return "MedicationRequest/" + orderId;
  }

  boolean removes() {
    return medication == null;
  }
}
