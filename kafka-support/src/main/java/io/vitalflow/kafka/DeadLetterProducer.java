package io.vitalflow.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer that sends dead letters ({@code acks=all}, idempotent), one per set of client
 * settings ({@link KafkaClients}: address, TLS, SASL) for the whole JVM: dead letters are rare, and
 * the sinks and Streams handlers that send them share it. Made on first use, so a service that
 * never sets a record aside opens no connection for it.
 */
public final class DeadLetterProducer {

  private static final Map<KafkaClients, KafkaProducer<byte[], byte[]>> PRODUCERS =
      new ConcurrentHashMap<>();

  private DeadLetterProducer() {}

  public static KafkaProducer<byte[], byte[]> of(KafkaClients clients) {
    return PRODUCERS.computeIfAbsent(
        clients,
        key ->
            new KafkaProducer<>(config(key), new ByteArraySerializer(), new ByteArraySerializer()));
  }

  static Map<String, Object> config(KafkaClients clients) {
    Map<String, Object> config =
        clients.producer(
            Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-dead-letters",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    // a dead letter is the only copy of a record that was set aside: never lost, never written
    // twice
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }
}
