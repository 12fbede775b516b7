package io.vitalflow.processor.topology;

import io.vitalflow.schemas.AvroSerde;
import io.vitalflow.schemas.VitalAggregate;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The window stores' value format: the aggregate in the {@code VitalAggregate} contract's Avro
 * single-object encoding (exactly what the stores and their changelogs held before readings were
 * remembered), followed, when the window remembers readings, by a trailer:
 *
 * <pre>
 * n entries of 4 bytes (offset into the window in ms: 2 bytes; reading id hash: 2 bytes; big-endian)
 * n: 2 bytes, big-endian
 * 0x81 (this format)
 * </pre>
 *
 * <p>Why a trailer rather than a new format: both directions of an in-place change keep working. A
 * processor upgraded to this version restores an old changelog (a value without trailer is an
 * aggregate that remembers nothing: its last byte ends the varint of {@code lastTime}, the
 * contract's last field, so it is below 0x80); a processor rolled back reads the aggregate and
 * ignores the trailer (Avro's decoder stops at the end of the record). The 1-hour windows remember
 * nothing, so their values are unchanged.
 */
final class WindowStateSerde
    implements Serde<WindowState>, Serializer<WindowState>, Deserializer<WindowState> {

  static final byte FORMAT = (byte) 0x81;
  private static final int ENTRY = 4;
  private static final int FOOTER = 3;

  private final AvroSerde<VitalAggregate> aggregates = AvroSerde.of(VitalAggregate.class);

  @Override
  public byte[] serialize(String topic, WindowState state) {
    if (state == null) {
      return null;
    }
    byte[] aggregate = aggregates.encode(state.aggregate());
    long[] counted = state.counted();
    if (counted.length == 0) {
      return aggregate;
    }
    byte[] bytes = new byte[aggregate.length + counted.length * ENTRY + FOOTER];
    System.arraycopy(aggregate, 0, bytes, 0, aggregate.length);
    int at = aggregate.length;
    for (long entry : counted) {
      int packed = (int) entry; // offset << 16 | hash, both 16 bits
      bytes[at++] = (byte) (packed >>> 24);
      bytes[at++] = (byte) (packed >>> 16);
      bytes[at++] = (byte) (packed >>> 8);
      bytes[at++] = (byte) packed;
    }
    bytes[at++] = (byte) (counted.length >>> 8);
    bytes[at++] = (byte) counted.length;
    bytes[at] = FORMAT;
    return bytes;
  }

  @Override
  public WindowState deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 0 || bytes[bytes.length - 1] >= 0) {
      return WindowState.of(aggregates.decode(bytes));
    }
    if (bytes[bytes.length - 1] != FORMAT || bytes.length < FOOTER) {
      throw new SerializationException(
          "Cannot decode a window state: unknown format 0x"
              + Integer.toHexString(bytes[bytes.length - 1] & 0xFF));
    }
    int n = (bytes[bytes.length - 3] & 0xFF) << 8 | bytes[bytes.length - 2] & 0xFF;
    int at = bytes.length - FOOTER - n * ENTRY;
    if (n == 0 || at <= 0) {
      throw new SerializationException(
          "Cannot decode a window state: " + n + " entries in " + bytes.length + " bytes");
    }
    // the decoder reads the record and ignores what follows it
    VitalAggregate aggregate = aggregates.decode(bytes);
    long[] counted = new long[n];
    for (int i = 0; i < n; i++, at += ENTRY) {
      counted[i] =
          (bytes[at] & 0xFFL) << 24
              | (bytes[at + 1] & 0xFF) << 16
              | (bytes[at + 2] & 0xFF) << 8
              | bytes[at + 3] & 0xFF;
    }
    return new WindowState(aggregate, counted);
  }

  @Override
  public Serializer<WindowState> serializer() {
    return this;
  }

  @Override
  public Deserializer<WindowState> deserializer() {
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
