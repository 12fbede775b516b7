package io.vitalflow.processor.topology;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serde of the raw readings topic that never throws: bytes that do not decode, or decode into
 * a reading that breaks the contract, become an invalid {@link DecodedVital} which the topology
 * routes to the dead-letter topic. Decoding once, here, lets the timestamp extractor read the
 * effective time without decoding again.
 */
final class VitalDecoder
    implements Serde<DecodedVital>, Deserializer<DecodedVital>, Serializer<DecodedVital> {

  /** Canonical UCUM unit of every LOINC code VitalFlow accepts. */
  static final Map<String, String> CANONICAL_UNITS =
      Map.of(
          Loinc.HEART_RATE, "/min",
          Loinc.RESPIRATORY_RATE, "/min",
          Loinc.SPO2, "%",
          Loinc.SPO2_ARTERIAL, "%",
          Loinc.SYSTOLIC_BP, "mm[Hg]",
          Loinc.DIASTOLIC_BP, "mm[Hg]",
          Loinc.BODY_TEMPERATURE, "Cel");

  private final Deserializer<VitalSign> avro;
  private final long maxFutureSkewMs;

  VitalDecoder(Deserializer<VitalSign> avro, Duration maxFutureSkew) {
    this.avro = avro;
    this.maxFutureSkewMs = maxFutureSkew.toMillis();
  }

  @Override
  public DecodedVital deserialize(String topic, byte[] data) {
    if (data == null) {
      return DecodedVital.invalid(null, "null value: a readings topic has no tombstones");
    }
    VitalSign vital;
    try {
      vital = avro.deserialize(topic, data);
    } catch (SerializationException e) {
      return DecodedVital.invalid(data, e.getMessage());
    } catch (RuntimeException e) {
      return DecodedVital.invalid(data, "cannot decode VitalSign: " + e);
    }
    String problem = problem(vital);
    return problem == null ? DecodedVital.valid(data, vital) : DecodedVital.invalid(data, problem);
  }

  /**
   * What breaks the {@code VitalSign} contract, or {@code null}. Never mentions patient
   * identifiers.
   */
  String problem(VitalSign v) {
    if (v.getPatientId() == null || v.getPatientId().isBlank()) {
      return "invalid VitalSign: blank patientId";
    }
    String unit = CANONICAL_UNITS.get(v.getCode());
    if (unit == null) {
      return "invalid VitalSign: unknown LOINC code '" + v.getCode() + "'";
    }
    if (!unit.equals(v.getUnit())) {
      return "invalid VitalSign: unit '"
          + v.getUnit()
          + "' is not the canonical unit '"
          + unit
          + "' of "
          + v.getCode();
    }
    if (!Double.isFinite(v.getValue())) {
      return "invalid VitalSign: value is not a finite number";
    }
    long effective = v.getEffectiveTime().toEpochMilli();
    if (effective < 0) {
      return "invalid VitalSign: effectiveTime before 1970";
    }
    if (effective > v.getReceivedTime().toEpochMilli() + maxFutureSkewMs) {
      return "invalid VitalSign: effectiveTime more than "
          + maxFutureSkewMs
          + " ms after receivedTime";
    }
    return null;
  }

  @Override
  public byte[] serialize(String topic, DecodedVital data) {
    return data == null ? null : data.raw();
  }

  @Override
  public Serializer<DecodedVital> serializer() {
    return this;
  }

  @Override
  public Deserializer<DecodedVital> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure
  }

  @Override
  public void close() {
    // stateless
  }
}
