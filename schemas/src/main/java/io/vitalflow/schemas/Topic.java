package io.vitalflow.schemas;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic: its name, how it is laid out and what its keys and values are.
 *
 * @param partitions default partition count when the platform creates the topic
 * @param config topic-level settings (retention, cleanup policy, ...)
 */
public record Topic<K, V>(
    String name,
    int partitions,
    Map<String, String> config,
    Serde<K> keySerde,
    Serde<V> valueSerde) {

  public Topic {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
    config = Map.copyOf(config);
  }

  /** The dead-letter topic of this topic: same key, original bytes as value, error in headers. */
  public String deadLetterName() {
    return deadLetterName(name);
  }

  /** The dead-letter topic of the topic named {@code name} (prefixes are kept). */
  public static String deadLetterName(String name) {
    return name.endsWith(".v1") ? name.substring(0, name.length() - 3) + ".dlq.v1" : name + ".dlq";
  }
}
