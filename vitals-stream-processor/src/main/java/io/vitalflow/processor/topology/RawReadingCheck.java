package io.vitalflow.processor.topology;

import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;

/**
 * The one rule for which raw-topic records are usable readings. The topology dead-letters the
 * others; the readings sink skips the same ones, so PostgreSQL and the aggregates always agree.
 */
public final class RawReadingCheck {

  private final VitalDecoder decoder;

  public RawReadingCheck(Duration maxFutureSkew) {
    this.decoder = new VitalDecoder(Topics.VITALS_RAW.valueSerde().deserializer(), maxFutureSkew);
  }

  /** The rule of a topology built with these options. */
  public static RawReadingCheck of(VitalsTopology.Options options) {
    return new RawReadingCheck(options.maxFutureSkew());
  }

  /**
   * The reading, or {@code null} when the record is unusable (and so dead-lettered by the
   * topology).
   */
  public VitalSign usable(String topic, byte[] key, byte[] value) {
    DecodedVital decoded = decoder.deserialize(topic, value);
    return DeadLetters.problem(key, decoded) == null ? decoded.vital() : null;
  }
}
