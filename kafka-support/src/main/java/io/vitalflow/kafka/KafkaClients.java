package io.vitalflow.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * What every Kafka client of a service is given by the operator: Spring Boot's {@code
 * spring.kafka.*} ({@link KafkaProperties}) built once per client kind, so the address, {@code
 * security.protocol}, {@code ssl.*}, SASL ({@code spring.kafka.properties.sasl.*}) and any other
 * client property reach producers, consumers, admin clients and Kafka Streams alike.
 *
 * <p>Precedence, the same for every client: VitalFlow's tuning (batch sizes, timeouts, compression)
 * is the base, the operator's {@code spring.kafka.*} settings win over it, and the guarantees
 * VitalFlow's promises rest on win over both; each builder re-applies those after merging ({@code
 * acks=all} and idempotence, {@code read_committed} without auto-commit for the sinks, exactly-once
 * v2 and the dead-letter handlers for Streams, group and application ids).
 */
public final class KafkaClients {

  private final Map<String, Object> producer;
  private final Map<String, Object> consumer;
  private final Map<String, Object> admin;
  private final Map<String, Object> streams;

  private KafkaClients(
      Map<String, Object> producer,
      Map<String, Object> consumer,
      Map<String, Object> admin,
      Map<String, Object> streams) {
    this.producer = Map.copyOf(producer);
    this.consumer = Map.copyOf(consumer);
    this.admin = Map.copyOf(admin);
    this.streams = Map.copyOf(streams);
    if (!this.producer.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("spring.kafka.bootstrap-servers must not be empty");
    }
  }

  /** The clients of {@code spring.kafka.*}. */
  public static KafkaClients of(KafkaProperties properties) {
    return new KafkaClients(
        withoutNulls(properties.buildProducerProperties()),
        withoutNulls(properties.buildConsumerProperties()),
        withoutNulls(properties.buildAdminProperties()),
        withoutNulls(properties.buildStreamsProperties()));
  }

  /** Plain clients of one broker address and nothing else (tools and tests). */
  public static KafkaClients of(String bootstrapServers) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Map<String, Object> address =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return new KafkaClients(address, address, address, address);
  }

  /**
   * The settings a Kafka Streams configuration hands to the clients it makes (its unprefixed
   * producer, consumer and admin settings), for the extra clients that work beside a Streams
   * application: its dead-letter producer and its progress check.
   */
  public static KafkaClients ofStreamsConfig(Map<?, ?> streamsConfig) {
    return new KafkaClients(
        only(streamsConfig, ProducerConfig.configNames()),
        only(streamsConfig, ConsumerConfig.configNames()),
        only(streamsConfig, AdminClientConfig.configNames()),
        only(streamsConfig, Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)));
  }

  public String bootstrapServers() {
    return String.valueOf(producer.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
  }

  /**
   * VitalFlow's producer tuning with the operator's settings over it; the caller then sets its
   * guarantees.
   */
  public Map<String, Object> producer(Map<String, Object> tuning) {
    return merged(tuning, producer);
  }

  /**
   * VitalFlow's consumer tuning with the operator's settings over it; the caller then sets its
   * guarantees.
   */
  public Map<String, Object> consumer(Map<String, Object> tuning) {
    return merged(tuning, consumer);
  }

  /** VitalFlow's admin tuning with the operator's settings over it. */
  public Map<String, Object> admin(Map<String, Object> tuning) {
    return merged(tuning, admin);
  }

  /**
   * VitalFlow's Streams settings with the operator's ({@code spring.kafka.streams.*}) over them.
   */
  public Properties streams(Properties settings) {
    Properties merged = new Properties();
    merged.putAll(settings);
    merged.putAll(streams);
    return merged;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KafkaClients that
        && producer.equals(that.producer)
        && consumer.equals(that.consumer)
        && admin.equals(that.admin)
        && streams.equals(that.streams);
  }

  @Override
  public int hashCode() {
    return Objects.hash(producer, consumer, admin, streams);
  }

  /** The address only: the settings may hold passwords. */
  @Override
  public String toString() {
    return "KafkaClients[" + bootstrapServers() + "]";
  }

  private static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new HashMap<>(base);
    merged.putAll(over);
    return merged;
  }

  private static Map<String, Object> only(Map<?, ?> config, Set<String> names) {
    Map<String, Object> kept = new HashMap<>();
    config.forEach(
        (key, value) -> {
          if (key instanceof String name && names.contains(name) && value != null) {
            kept.put(name, value);
          }
        });
    return kept;
  }

  /**
   * Without unset values, and the address as Kafka writes it ({@code host:port,host:port}), not as
   * a list.
   */
  private static Map<String, Object> withoutNulls(Map<String, Object> config) {
    Map<String, Object> kept = new HashMap<>();
    config.forEach(
        (key, value) -> {
          if (value instanceof Collection<?> list
              && key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            kept.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
          } else if (value != null) {
            kept.put(key, value);
          }
        });
    return kept;
  }
}
