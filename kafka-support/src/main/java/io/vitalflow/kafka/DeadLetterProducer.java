package io.vitalflow.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer that sends dead letters ({@code acks=all}, idempotent), one per broker address for the whole JVM:
 * dead letters are rare, and the sinks and Streams handlers that send them share it. Made on first use, so a
 * service that never sets a record aside opens no connection for it.
 */
public final class DeadLetterProducer {

  private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

  private DeadLetterProducer() {
  }

  public static KafkaProducer<byte[], byte[]> forBootstrap(String bootstrapServers) {
    return PRODUCERS.computeIfAbsent(bootstrapServers, servers -> {
      Properties properties = new Properties();
      properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
      properties.put(ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-dead-letters");
      properties.put(ProducerConfig.ACKS_CONFIG, "all");
      properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
      properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
      properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    });
  }
}
