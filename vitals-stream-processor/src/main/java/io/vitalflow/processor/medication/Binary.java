package io.vitalflow.processor.medication;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The small binary format of this package's internal records (repartition topic and state stores):
 * a version byte, then fields as big-endian ints and longs, booleans, and nullable length-prefixed
 * (int, -1 for null) UTF-8 strings and byte arrays (only written now, and skipped when an old
 * record is read). Internal only: never a contract. Written and read on plain arrays, since these
 * records are encoded and decoded several times per medication event.
 */
final class Binary {

  interface Write<T> {
    void write(T value, Writer out);
  }

  /** Reads a value whose version byte has been read already. */
  interface Read<T> {
    T read(int version, Reader in);
  }

  private Binary() {}

  /**
   * @param version written first, and the newest that {@code read} understands
   * @param oldest the oldest version {@code read} still understands (records written before an
   *     upgrade)
   */
  static <T> Serde<T> serde(int version, int oldest, Write<T> write, Read<T> read) {
    Serializer<T> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          Writer out = new Writer();
          out.writeByte(version);
          write.write(value, out);
          return out.toByteArray();
        };
    Deserializer<T> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          Reader in = new Reader(data);
          try {
            int found = in.readByte();
            if (found < oldest || found > version) {
              throw new SerializationException(
                  "unknown format version "
                      + found
                      + ", expected "
                      + oldest
                      + (oldest == version ? "" : ".." + version));
            }
            T value = read.read(found, in);
            if (in.position != data.length) {
              throw new SerializationException(
                  (data.length - in.position) + " bytes left after the record");
            }
            return value;
          } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("cannot decode internal record: truncated", e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }

  /** A growable byte array. */
  static final class Writer {

    private byte[] bytes = new byte[128];
    private int length;

    void writeByte(int value) {
      ensure(1);
      bytes[length++] = (byte) value;
    }

    void writeBoolean(boolean value) {
      writeByte(value ? 1 : 0);
    }

    void writeInt(int value) {
      ensure(4);
      bytes[length] = (byte) (value >>> 24);
      bytes[length + 1] = (byte) (value >>> 16);
      bytes[length + 2] = (byte) (value >>> 8);
      bytes[length + 3] = (byte) value;
      length += 4;
    }

    void writeLong(long value) {
      writeInt((int) (value >>> 32));
      writeInt((int) value);
    }

    void writeString(String value) {
      writeBytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(byte[] value) {
      if (value == null) {
        writeInt(-1);
        return;
      }
      writeInt(value.length);
      ensure(value.length);
      System.arraycopy(value, 0, bytes, length, value.length);
      length += value.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }

  /**
   * Reads a byte array front to back; reading past its end throws {@link
   * ArrayIndexOutOfBoundsException}.
   */
  static final class Reader {

    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int readByte() {
      return bytes[position++];
    }

    boolean readBoolean() {
      return readByte() != 0;
    }

    int readInt() {
      int value =
          (bytes[position] & 0xff) << 24
              | (bytes[position + 1] & 0xff) << 16
              | (bytes[position + 2] & 0xff) << 8
              | (bytes[position + 3] & 0xff);
      position += 4;
      return value;
    }

    long readLong() {
      long high = readInt();
      return high << 32 | (readInt() & 0xffffffffL);
    }

    String readString() {
      int length = readLength();
      if (length < 0) {
        return null;
      }
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    /** Skips a length-prefixed field. */
    void skipBytes() {
      int length = readLength();
      if (length > 0) {
        position += length;
      }
    }

    private int readLength() {
      int length = readInt();
      if (length < -1 || length > bytes.length - position) {
        throw new ArrayIndexOutOfBoundsException(
            "field length " + length + " at " + position + " of " + bytes.length);
      }
      return length;
    }
  }
}
