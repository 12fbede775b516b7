package io.vitalflow.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * An in-place upgrade on a real broker: the window stores' changelogs hold values as the version
 * before this one wrote them (the bare {@code VitalAggregate} encoding, no remembered readings);
 * the processor restores them, counts a new reading on top, and counts that reading's repeat once.
 */
class WindowStoreUpgradeTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String KEY = WindowAggregator.storeKey("p1", Loinc.HEART_RATE);

  @Test
  void anOldChangelogIsRestoredAndCountedOnWithRepeatsCountedOnce() throws Exception {
    String bootstrap = LocalStack.shared().kafkaBootstrap();
    String prefix = LocalStack.shared().freshTopicPrefix();
    String app = "window-upgrade-" + prefix.replace(".", "");
    int partitions = Topics.VITALS_RAW.partitions();
    int partition =
        Utils.toPositive(Utils.murmur2("p1".getBytes(StandardCharsets.UTF_8))) % partitions;
    String minuteChangelog = app + "-" + VitalsTopology.STORE_AGG_1M + "-changelog";
    String hourChangelog = app + "-" + VitalsTopology.STORE_AGG_1H + "-changelog";
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(minuteChangelog, partitions, (short) 1),
                  new NewTopic(hourChangelog, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      oldWindow(producer, minuteChangelog, partition, T0, T0.plusSeconds(60));
      oldWindow(producer, hourChangelog, partition, T0, T0.plusSeconds(3600));
    }

    Path state = Files.createTempDirectory("window-upgrade");
    try (KafkaStreams streams =
        new KafkaStreams(
            new VitalsTopology(VitalsTopology.Options.defaults().withTopicPrefix(prefix)).build(),
            StreamsSettings.properties(app, bootstrap, state, 1))) {
      streams.start();
      VitalSign next = Readings.reading("p1", Loinc.HEART_RATE, 90, T0.plusSeconds(40));
      VitalSign last = Readings.reading("p1", Loinc.HEART_RATE, 100, T0.plusSeconds(45));
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
        for (VitalSign reading : List.of(next, next, last)) {
          producer.send(
              new ProducerRecord<>(
                  prefix + Topics.VITALS_RAW.name(),
                  "p1".getBytes(StandardCharsets.UTF_8),
                  Topics.VITALS_RAW.valueSerde().serializer().serialize("", reading)));
        }
      }

      List<VitalAggregate> minutes = read(bootstrap, prefix, Topics.VITALS_AGG_1M, 2);
      List<VitalAggregate> hours = read(bootstrap, prefix, Topics.VITALS_AGG_1H, 2);
      for (List<VitalAggregate> updates : List.of(minutes, hours)) {
        assertThat(updates).extracting(VitalAggregate::getCount).containsExactly(6L, 7L);
        assertThat(updates.get(1).getSum()).isEqualTo(350 + 90 + 100);
        assertThat(updates.get(1).getMin()).isEqualTo(60);
        assertThat(updates.get(1).getLast()).isEqualTo(100);
      }
    } finally {
      FileSystemUtils.deleteRecursively(state.toFile());
    }
  }

  /** Five readings of p1's heart rate, as the version before stored their window. */
  private static void oldWindow(
      KafkaProducer<byte[], byte[]> producer,
      String changelog,
      int partition,
      Instant start,
      Instant end)
      throws Exception {
    VitalAggregate old =
        VitalAggregate.newBuilder()
            .setPatientId("p1")
            .setCode(Loinc.HEART_RATE)
            .setUnit("/min")
            .setWindowStart(start)
            .setWindowEnd(end)
            .setCount(5)
            .setMin(60)
            .setMax(80)
            .setSum(350)
            .setMean(70)
            .setLast(72)
            .setLastTime(T0.plusSeconds(30))
            .build();
    byte[] key =
        WindowKeySchema.toStoreKeyBinary(
                Bytes.wrap(KEY.getBytes(StandardCharsets.UTF_8)), start.toEpochMilli(), 0)
            .get();
    producer
        .send(
            new ProducerRecord<>(
                changelog,
                partition,
                T0.plusSeconds(30).toEpochMilli(),
                key,
                Topics.VITALS_AGG_1M.valueSerde().serializer().serialize("", old)))
        .get(30, TimeUnit.SECONDS);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** The first {@code expected} committed updates of {@code topic} (and no more within 3 s). */
  private static List<VitalAggregate> read(
      String bootstrap, String prefix, Topic<String, VitalAggregate> topic, int expected) {
    List<VitalAggregate> updates = new ArrayList<>();
    try (KafkaConsumer<String, VitalAggregate> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            topic.valueSerde().deserializer())) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < topic.partitions(); p++) {
        all.add(new TopicPartition(prefix + topic.name(), p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, VitalAggregate> record :
            consumer.poll(Duration.ofMillis(200))) {
          updates.add(record.value());
        }
        if (updates.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        }
      }
    }
    return updates;
  }
}
