package io.vitalflow.processor.medication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.interactions.Medication;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The internal binary records: round trips, the records of the previous version, and broken input.
 */
class BinaryTest {

  @Test
  void anOrderChangeRoundTrips() {
    OrderChange added =
        new OrderChange(
            "p-ü",
            "mr-1",
            new Medication("11289", "Warfarin 5 mg ✓"),
            "fhir.resources.v1-3@42",
            null);
    OrderChange removed =
        new OrderChange("p-1", "mr-2", null, "fhir.resources.v1-0@7", "entered-in-error");
    OrderChange nameOnly = new OrderChange("p-1", "mr-3", Medication.named("aspirin"), "s", null);
    OrderChange unidentified = new OrderChange("p-1", "mr-4", OrderReader.UNIDENTIFIED, "s", null);
    for (OrderChange change : new OrderChange[] {added, removed, nameOnly, unidentified}) {
      assertThat(
              OrderChange.SERDE
                  .deserializer()
                  .deserialize("t", OrderChange.SERDE.serializer().serialize("t", change)))
          .isEqualTo(change);
    }
  }

  /**
   * Version 1 carried the source record's bytes at the end; a record written before the upgrade
   * still reads.
   */
  @Test
  void aVersionOneOrderChangeStillReads() {
    Binary.Writer v1 = new Binary.Writer();
    v1.writeByte(1);
    v1.writeString("p-1");
    v1.writeString("mr-1");
    v1.writeBoolean(true);
    v1.writeString("11289");
    v1.writeString(null);
    v1.writeString("MedicationRequest/mr-1");
    v1.writeString("fhir.resources.v1-0@1");
    v1.writeBytes(new byte[] {1, 2, 3, 4, 5});

    assertThat(OrderChange.SERDE.deserializer().deserialize("t", v1.toByteArray()))
        .isEqualTo(
            new OrderChange(
                "p-1", "mr-1", Medication.rxcui("11289"), "fhir.resources.v1-0@1", null));
  }

  /**
   * Version 2 had no {@code ended} and carried the source record's key: a removal written before
   * the upgrade reads with an unknown reason.
   */
  @Test
  void aVersionTwoOrderChangeStillReads() {
    Binary.Writer v2 = new Binary.Writer();
    v2.writeByte(2);
    v2.writeString("p-1");
    v2.writeString("mr-1");
    v2.writeBoolean(false);
    v2.writeString("MedicationRequest/mr-1");
    v2.writeString("fhir.resources.v1-0@1");

    OrderChange read = OrderChange.SERDE.deserializer().deserialize("t", v2.toByteArray());
    assertThat(read).isEqualTo(new OrderChange("p-1", "mr-1", null, "fhir.resources.v1-0@1", null));
    assertThat(read.sourceKey()).isEqualTo("MedicationRequest/mr-1");
  }

  /**
   * A version 1 state kept bare pair keys: they read as legacy issues (not reported again, never
   * retired).
   */
  @Test
  void aVersionOnePatientStateStillReads() {
    Binary.Writer v1 = new Binary.Writer();
    v1.writeByte(1);
    v1.writeInt(1);
    v1.writeString("mr-1");
    v1.writeString("11289");
    v1.writeString(null);
    v1.writeInt(1);
    v1.writeString("5640+11289");

    PatientMedications read =
        PatientMedications.SERDE.deserializer().deserialize("t", v1.toByteArray());
    assertThat(read.orders()).containsEntry("mr-1", Medication.rxcui("11289"));
    assertThat(read.reported()).containsOnlyKeys("5640+11289");
    assertThat(read.reported().get("5640+11289").legacy()).isTrue();
  }

  @Test
  void patientMedicationsRoundTripInOrder() {
    PatientMedications state =
        new PatientMedications(
            new TreeMap<>(
                Map.of(
                    "mr-2",
                    Medication.rxcui("5640"),
                    "mr-1",
                    new Medication("11289", "warfarin"),
                    "mr-3",
                    OrderReader.UNIDENTIFIED)),
            new TreeMap<>(
                Map.of(
                    "5640+11289",
                        new PatientMedications.Reported(
                            "di-1", "mr-1", "mr-2", Instant.ofEpochMilli(1234567)),
                    "?mr-3",
                        new PatientMedications.Reported(
                            "di-2", "mr-3", null, Instant.ofEpochSecond(-5)))));
    PatientMedications read =
        PatientMedications.SERDE
            .deserializer()
            .deserialize("t", PatientMedications.SERDE.serializer().serialize("t", state));
    assertThat(read).isEqualTo(state);
    assertThat(read.orders().keySet()).containsExactly("mr-1", "mr-2", "mr-3");
  }

  @Test
  void brokenRecordsAreSerializationErrors() {
    byte[] good =
        OrderChange.SERDE
            .serializer()
            .serialize("t", new OrderChange("p-1", "mr-1", Medication.rxcui("1"), "s", "stopped"));
    for (int length = 1; length < good.length; length++) {
      byte[] truncated = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> OrderChange.SERDE.deserializer().deserialize("t", truncated))
          .as("truncated to %d bytes", length)
          .isInstanceOf(SerializationException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> OrderChange.SERDE.deserializer().deserialize("t", longer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("left");
    byte[] future = good.clone();
    future[0] = 4;
    assertThatThrownBy(() -> OrderChange.SERDE.deserializer().deserialize("t", future))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("version 4");
  }
}
