package io.vitalflow.ingest.vitals;

import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads {@code vitals.raw.v1} back from the real broker, the way a downstream consumer would. */
final class RawTopic implements AutoCloseable {

  private final KafkaConsumer<String, VitalSign> consumer;
  private final List<ConsumerRecord<String, VitalSign>> seen = new ArrayList<>();

  RawTopic(String bootstrap, String topicPrefix) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            Topics.VITALS_RAW.keySerde().deserializer(),
            Topics.VITALS_RAW.valueSerde().deserializer());
    String topic = topicPrefix + Topics.VITALS_RAW.name();
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * The records whose key is one of {@code patients}, waiting until there are {@code expected} of
   * them.
   */
  synchronized List<ConsumerRecord<String, VitalSign>> await(Set<String> patients, int expected) {
    Predicate<ConsumerRecord<String, VitalSign>> wanted = record -> patients.contains(record.key());
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (seen.stream().filter(wanted).count() < expected && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    // a little longer, to catch readings that should not be there
    consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
    return seen.stream().filter(wanted).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
