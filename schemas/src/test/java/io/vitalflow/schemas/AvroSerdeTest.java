package io.vitalflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @Test
  void everyCatalogueValueTypeRoundTrips() {
    roundTrip(
        Topics.VITALS_RAW.valueSerde(),
        new VitalSign("r1", "p1", "d1", Loinc.HEART_RATE, 72.0, "/min", NOW, NOW));
    roundTrip(
        Topics.VITALS_AGG_1M.valueSerde(),
        new VitalAggregate(
            "p1",
            Loinc.SPO2,
            "%",
            NOW,
            NOW.plusSeconds(60),
            3L,
            94.0,
            98.0,
            288.0,
            96.0,
            97.0,
            NOW));
    roundTrip(
        Topics.NEWS2.valueSerde(),
        new News2Score("p1", 5, RiskBand.MEDIUM, Map.of(Loinc.HEART_RATE, 1), true, NOW));
    roundTrip(
        Topics.ALERTS.valueSerde(),
        Alert.newBuilder()
            .setAlertId("a1")
            .setPatientId("p1")
            .setKind(AlertKind.NEWS2_BAND_CHANGE)
            .setSeverity(AlertSeverity.HIGH)
            .setRaisedAt(NOW)
            .setTitle("NEWS2 7")
            .setNews2Score(7)
            .setBand(RiskBand.HIGH)
            .setPreviousBand(RiskBand.LOW)
            .build());
    roundTrip(
        Topics.FHIR_COMMANDS.valueSerde(),
        FhirCommand.newBuilder()
            .setRequestId("q1")
            .setResourceType("Patient")
            .setResourceId("x")
            .setOperation(FhirOperation.UPDATE)
            .setIfMatch(3L)
            .setResource("{}")
            .setReceivedAt(NOW)
            .build());
    roundTrip(
        Topics.FHIR_RESOURCES.valueSerde(),
        FhirResourceVersion.newBuilder()
            .setResourceType("Patient")
            .setResourceId("x")
            .setVersionId(2)
            .setLastUpdated(NOW)
            .setDeleted(true)
            .setRequestId("q1")
            .build());
    roundTrip(
        Topics.FHIR_OUTCOMES.valueSerde(),
        FhirCommandOutcome.newBuilder()
            .setRequestId("q2")
            .setResourceType("Patient")
            .setResourceId("x")
            .setStatus(412)
            .setVersionId(3L)
            .setMessage("stale")
            .build());
  }

  @Property(tries = 200)
  void vitalSignsRoundTrip(@ForAll("vitals") VitalSign vital) {
    roundTrip(Topics.VITALS_RAW.valueSerde(), vital);
  }

  @Property(tries = 300)
  void garbageNeverDecodesToAnythingButASerializationException(@ForAll byte[] garbage) {
    try {
      Topics.VITALS_RAW.valueSerde().deserializer().deserialize("t", garbage);
    } catch (SerializationException expected) {
      // the only failure a consumer has to handle
    }
  }

  @Test
  void bytesOfAnotherRecordTypeAreRejectedByFingerprint() {
    byte[] aggregate =
        Topics.VITALS_AGG_1M
            .valueSerde()
            .serializer()
            .serialize(
                "t",
                new VitalAggregate(
                    "p1", Loinc.SPO2, "%", NOW, NOW, 1L, 1.0, 1.0, 1.0, 1.0, 1.0, NOW));
    assertThatThrownBy(
            () -> Topics.VITALS_RAW.valueSerde().deserializer().deserialize("t", aggregate))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("VitalSign");
  }

  /**
   * Every schema kept under schema-history/ must still be readable by the current schema: a change
   * that breaks reading old data (removed field without default, changed type, ...) fails here.
   */
  @Test
  void currentSchemasCanReadEveryHistoricVersion() {
    for (var topic : Topics.ALL) {
      if (!(topic.valueSerde() instanceof AvroSerde<?> serde)) {
        continue;
      }
      Schema current = org.apache.avro.specific.SpecificData.get().getSchema(serde.type());
      assertThat(serde.history()).as("history of %s", current.getName()).isNotEmpty();
      for (Schema old : serde.history()) {
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        assertThat(compatibility.getType())
            .as(
                "%s reading %s: %s",
                current.getName(), old.getName(), compatibility.getDescription())
            .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      }
    }
  }

  @Test
  void dataWrittenWithTheFirstVitalSignSchemaStillDecodes() {
    AvroSerde<VitalSign> serde = AvroSerde.of(VitalSign.class);
    Schema v1 = serde.history().get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("readingId", "r1");
    old.put("patientId", "p1");
    old.put("deviceId", "d1");
    old.put("code", Loinc.SYSTOLIC_BP);
    old.put("value", 120.0);
    old.put("unit", "mm[Hg]");
    old.put("effectiveTime", NOW.toEpochMilli());
    old.put("receivedTime", NOW.toEpochMilli());
    byte[] bytes;
    try {
      bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    VitalSign decoded = serde.decode(bytes);
    assertThat(decoded.getValue()).isEqualTo(120.0);
    assertThat(decoded.getEffectiveTime()).isEqualTo(NOW);
  }

  @Test
  void deadLetterNamesFollowTheConvention() {
    assertThat(Topics.VITALS_RAW.deadLetterName()).isEqualTo("vitals.raw.dlq.v1");
    assertThat(Topics.VITALS_RAW_DLQ.name()).isEqualTo("vitals.raw.dlq.v1");
  }

  @Provide
  Arbitrary<VitalSign> vitals() {
    Arbitrary<String> ids = Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
    return net.jqwik.api.Combinators.combine(
            ids,
            ids,
            Arbitraries.of(Loinc.HEART_RATE, Loinc.SPO2, Loinc.BODY_TEMPERATURE),
            Arbitraries.doubles().between(-1e6, 1e6),
            Arbitraries.longs().between(0, 4_102_444_800_000L))
        .as(
            (patient, device, code, value, millis) ->
                new VitalSign(
                    "r-" + patient,
                    patient,
                    device,
                    code,
                    value,
                    "/min",
                    Instant.ofEpochMilli(millis),
                    Instant.ofEpochMilli(millis)));
  }

  private static <T extends SpecificRecord> void roundTrip(
      org.apache.kafka.common.serialization.Serde<T> serde, T value) {
    byte[] bytes = serde.serializer().serialize("t", value);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(value);
  }
}
