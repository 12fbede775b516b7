package io.vitalflow.fhir.command;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the command processor keeps per resource to decide the next command: the current version and
 * whether it is deleted. Nine bytes in the state store.
 */
record ResourceState(long versionId, boolean deleted) {

  static final Serde<ResourceState> SERDE = Serdes.serdeFrom(new Encoder(), new Decoder());

  private static final class Encoder implements Serializer<ResourceState> {
    @Override
    public byte[] serialize(String topic, ResourceState state) {
      if (state == null) {
        return null;
      }
      return ByteBuffer.allocate(9)
          .putLong(state.versionId)
          .put((byte) (state.deleted ? 1 : 0))
          .array();
    }
  }

  private static final class Decoder implements Deserializer<ResourceState> {
    @Override
    public ResourceState deserialize(String topic, byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      if (bytes.length != 9) {
        throw new SerializationException("resource state must be 9 bytes, got " + bytes.length);
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      return new ResourceState(buffer.getLong(), buffer.get() == 1);
    }
  }
}
