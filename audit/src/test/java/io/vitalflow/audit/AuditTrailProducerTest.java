package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** The trail's producer: the operator's settings reach it, but never weaken its guarantees. */
class AuditTrailProducerTest {

  @Test
  void acksAllAndIdempotenceWhateverSpringKafkaSays() {
    KafkaProperties operator = new KafkaProperties();
    operator.setBootstrapServers(List.of("broker-1:9093", "broker-2:9093"));
    operator.getProducer().setAcks("0");
    operator.getProperties().put("enable.idempotence", "false");
    operator.getProperties().put("security.protocol", "SSL");

    var config =
        AuditTrail.producerConfig(
            KafkaClients.of(operator),
            AuditTrail.Options.defaults().withDeliveryTimeout(Duration.ofSeconds(4)));

    assertThat(config)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9093,broker-2:9093")
        .containsEntry("security.protocol", "SSL")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4_000);
  }

  @Test
  void eventsAreSentInLargeBatchesWithinTheDeliveryDeadline() {
    var config =
        AuditTrail.producerConfig(
            KafkaClients.of(new KafkaProperties()), AuditTrail.Options.defaults());

    // one produce request per linger carries many events: the broker's cost per event is small
    assertThat(config)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 25)
        .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        // keys do not spread a linger's events over every partition in small batches
        .containsEntry(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, true);
    assertThat((Integer) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG))
        .isLessThanOrEqualTo(10_000 - 25);
  }
}
