package io.vitalflow.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro record in Avro single-object encoding: a two-byte marker, the
 * 8-byte fingerprint of the writer schema, then the binary body. No schema-registry server is
 * needed: the reader knows the current schema and every earlier version kept under {@code
 * schema-history/}.
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  static {
    // Avro 1.12 refuses to instantiate classes it does not trust; our generated contracts are
    // trusted.
    ClassSecurityValidator.ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            before, type -> type.getName().startsWith(AvroSerde.class.getPackageName() + ".")));
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final List<Schema> history;

  private AvroSerde(Class<T> type) {
    this.type = type;
    Schema current = SpecificData.get().getSchema(type);
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    this.decoder = new BinaryMessageDecoder<>(model, current);
    this.history = loadHistory(current.getName());
    history.forEach(decoder::addSchema);
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  /** Earlier versions of this record's schema, oldest first, that this serde can still read. */
  public List<Schema> history() {
    return history;
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(T value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException(
          "Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException
        | AvroRuntimeException
        | ArrayIndexOutOfBoundsException
        | NegativeArraySizeException
        | ClassCastException
        | IllegalArgumentException
        | OutOfMemoryError e) {
      throw new SerializationException(
          "Cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    // nothing to configure: schemas are compiled in
  }

  @Override
  public void close() {
    // stateless
  }

  private static List<Schema> loadHistory(String name) {
    List<Schema> schemas = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = "/schema-history/" + name + ".v" + version + ".avsc";
      try (InputStream in = AvroSerde.class.getResourceAsStream(resource)) {
        if (in == null) {
          return List.copyOf(schemas);
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + resource, e);
      }
    }
  }
}
