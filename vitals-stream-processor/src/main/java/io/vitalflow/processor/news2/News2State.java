package io.vitalflow.processor.news2;

import io.vitalflow.schemas.RiskBand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the NEWS2 processor remembers about one patient: the latest reading of each parameter and
 * the result it last emitted. Immutable.
 *
 * @param latest latest reading per parameter, by effective time
 * @param emitted the last result emitted, {@code null} before the first
 */
record News2State(Map<Parameter, Reading> latest, News2.Result emitted) {

  /** One parameter's latest value. */
  record Reading(double value, long effectiveTime) {

    /**
     * Later effective time wins; on a tie the larger value, so the outcome never depends on arrival
     * order.
     */
    boolean supersedes(Reading other) {
      return other == null
          || effectiveTime > other.effectiveTime
          || effectiveTime == other.effectiveTime && Double.compare(value, other.value) > 0;
    }
  }

  static final News2State EMPTY = new News2State(Map.of(), null);

  News2State {
    latest = latest.isEmpty() ? Map.of() : new EnumMap<>(latest);
  }

  News2State with(Parameter parameter, Reading reading) {
    Map<Parameter, Reading> next =
        latest.isEmpty() ? new EnumMap<>(Parameter.class) : new EnumMap<>(latest);
    next.put(parameter, reading);
    return new News2State(next, emitted);
  }

  /** Without readings older than {@code oldest}: they can never count again. */
  News2State withoutOlderThan(long oldest) {
    Map<Parameter, Reading> next = new EnumMap<>(Parameter.class);
    latest.forEach(
        (p, r) -> {
          if (r.effectiveTime() >= oldest) {
            next.put(p, r);
          }
        });
    return new News2State(next, emitted);
  }

  News2State withEmitted(News2.Result result) {
    return new News2State(latest, result);
  }

  long latestTime() {
    return latest.values().stream().mapToLong(Reading::effectiveTime).max().orElse(Long.MIN_VALUE);
  }

  /**
   * The observations for the calculator; consciousness and oxygen are not measured here, so they
   * stay unknown.
   */
  News2.Observations observations() {
    return new News2.Observations(
        value(Parameter.RESPIRATION_RATE),
        value(Parameter.SPO2),
        value(Parameter.SYSTOLIC_BP),
        value(Parameter.PULSE),
        value(Parameter.TEMPERATURE),
        null,
        null);
  }

  private Double value(Parameter p) {
    Reading r = latest.get(p);
    return r == null ? null : r.value();
  }

  /** Changelogged store value. Version byte first, so the format can evolve. */
  static Serde<News2State> serde() {
    return Serdes.serdeFrom(new StateSerializer(), new StateDeserializer());
  }

  private static final byte VERSION = 1;

  private static final class StateSerializer implements Serializer<News2State> {

    @Override
    public byte[] serialize(String topic, News2State state) {
      if (state == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeByte(state.latest().size());
        for (Map.Entry<Parameter, Reading> e : state.latest().entrySet()) {
          out.writeUTF(e.getKey().name());
          out.writeDouble(e.getValue().value());
          out.writeLong(e.getValue().effectiveTime());
        }
        News2.Result emitted = state.emitted();
        out.writeBoolean(emitted != null);
        if (emitted != null) {
          out.writeInt(emitted.score());
          out.writeUTF(emitted.band().name());
          out.writeBoolean(emitted.complete());
          Map<String, Integer> components = new TreeMap<>(emitted.components());
          out.writeByte(components.size());
          for (Map.Entry<String, Integer> c : components.entrySet()) {
            out.writeUTF(c.getKey());
            out.writeByte(c.getValue());
          }
        }
      } catch (IOException e) {
        throw new SerializationException("Cannot encode NEWS2 state", e);
      }
      return bytes.toByteArray();
    }
  }

  private static final class StateDeserializer implements Deserializer<News2State> {

    @Override
    public News2State deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
        byte version = in.readByte();
        if (version != VERSION) {
          throw new SerializationException("Unknown NEWS2 state version " + version);
        }
        Map<Parameter, Reading> latest = new EnumMap<>(Parameter.class);
        int readings = in.readUnsignedByte();
        for (int i = 0; i < readings; i++) {
          latest.put(Parameter.valueOf(in.readUTF()), new Reading(in.readDouble(), in.readLong()));
        }
        News2.Result emitted = null;
        if (in.readBoolean()) {
          int score = in.readInt();
          RiskBand band = RiskBand.valueOf(in.readUTF());
          boolean complete = in.readBoolean();
          Map<String, Integer> components = new TreeMap<>();
          int count = in.readUnsignedByte();
          for (int i = 0; i < count; i++) {
            components.put(in.readUTF(), (int) in.readByte());
          }
          emitted = new News2.Result(score, band, components, complete);
        }
        return new News2State(latest, emitted);
      } catch (IOException | IllegalArgumentException e) {
        throw new SerializationException("Cannot decode NEWS2 state", e);
      }
    }
  }
}
