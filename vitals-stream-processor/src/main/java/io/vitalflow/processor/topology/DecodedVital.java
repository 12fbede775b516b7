package io.vitalflow.processor.topology;

import io.vitalflow.schemas.VitalSign;
import java.util.Objects;

/**
 * A raw-topic value after decoding and validation: either a usable reading or the reason it is not,
 * always with the original bytes so that a dead letter carries exactly what arrived.
 */
final class DecodedVital {

  private final byte[] raw;
  private final VitalSign vital;
  private final String error;

  private DecodedVital(byte[] raw, VitalSign vital, String error) {
    this.raw = raw;
    this.vital = vital;
    this.error = error;
  }

  static DecodedVital valid(byte[] raw, VitalSign vital) {
    return new DecodedVital(raw, Objects.requireNonNull(vital, "vital"), null);
  }

  static DecodedVital invalid(byte[] raw, String error) {
    return new DecodedVital(raw, null, Objects.requireNonNull(error, "error"));
  }

  boolean isValid() {
    return vital != null;
  }

  /** The original bytes; {@code null} for a tombstone. */
  byte[] raw() {
    return raw;
  }

  /** The reading; only when {@link #isValid()}. */
  VitalSign vital() {
    return vital;
  }

  /** Why the value is unusable; only when not {@link #isValid()}. */
  String error() {
    return error;
  }
}
