package io.vitalflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The lag behind {@code vitalflow_consumer_lag_records}: what a real consumer on the real broker
 * reports, NaN before its first fetch.
 */
class ConsumerLagTest {

  @Test
  void aConsumerThatReadTenOfHundredRecordsLagsNinety() throws Exception {
    LocalStack stack = LocalStack.shared();
    String topic = stack.freshTopicPrefix() + Topics.VITALS_RAW.name();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()),
                new StringSerializer(),
                new StringSerializer());
        var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafkaBootstrap(),
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    10,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i));
      }
      producer.flush();
      consumer.assign(List.of(partition));
      assertThat(ConsumerLag.of(consumer.metrics())).as("before the first fetch").isNaN();

      int read = 0;
      while (read == 0) {
        read = consumer.poll(Duration.ofMillis(500)).count();
      }
      assertThat(read).isEqualTo(10);
      assertThat(ConsumerLag.of(consumer.metrics()))
          .as("100 records, 10 read: the fetch saw the end at 100")
          .isEqualTo(90.0);
    }
  }
}
