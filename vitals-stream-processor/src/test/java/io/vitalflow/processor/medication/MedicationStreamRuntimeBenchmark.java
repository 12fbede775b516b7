package io.vitalflow.processor.medication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

import io.vitalflow.infra.kafka.LocalKafka;
import io.vitalflow.infra.kafka.StreamsSettings;
import io.vitalflow.infra.kafka.TopicAdmin;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.schemas.Topics;

/**
 * Medication events through {@link MedicationTopology} on the real Kafka Streams runtime: a KRaft broker (child
 * JVM), the events of {@link MedicationStreamBenchmark#generate} produced to {@code fhir.resources.v1} first, then
 * the topology started with the service's settings (exactly-once, one stream thread, RocksDB) and timed until
 * its committed offsets cover every event. Not part of {@code verify}; see docs/benchmarks.md.
 *
 * <pre>java -cp ... io.vitalflow.processor.medication.MedicationStreamRuntimeBenchmark 10000 200000 [threads]</pre>
 */
public final class MedicationStreamRuntimeBenchmark {

  private static final String PREFIX = "bench.";

  private MedicationStreamRuntimeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int patients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    List<MedicationStreamBenchmark.Event> feed = MedicationStreamBenchmark.generate(patients, events, 42);
    Path work = Files.createTempDirectory("medication-runtime-bench");
    try (LocalKafka kafka = LocalKafka.start(work.resolve("kafka"), 0, "1g");
        WasmInteractionChecker checker = WasmInteractionChecker.shipped()) {
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), PREFIX, (short) 1);
      awaitLeaders(kafka.bootstrapServers());
      produce(kafka.bootstrapServers(), feed);
      Properties properties = StreamsSettings.properties(StreamsSettings.Options
          .of("medication-runtime-bench", kafka.bootstrapServers(), work.resolve("state"))
          .withReplicationFactor(1).withStreamThreads(threads).withCommitInterval(Duration.ofMillis(200))
          .withCacheMaxBytes(1L << 20));
      MedicationTopology topology = new MedicationTopology(MedicationTopology.Options.of(checker)
          .withTopicPrefix(PREFIX));
      try (KafkaStreams streams = new KafkaStreams(topology.build(), properties);
          Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        long start = System.nanoTime();
        streams.start();
        long firstProgress = 0;
        long done;
        while (true) {
          long committed = committed(admin);
          long now = System.nanoTime();
          if (committed > 0 && firstProgress == 0) {
            firstProgress = now;
          }
          System.out.printf(Locale.ROOT, "  %5.1f s  %,d of %,d events committed  state %s%n", (now - start) / 1e9,
              committed, events, streams.state());
          if (committed >= events) {
            done = now;
            break;
          }
          TimeUnit.MILLISECONDS.sleep(1000);
        }
        System.out.printf(Locale.ROOT, "%,d events, %,d patients, %d stream thread(s): %.1f s from start"
            + " (%,.0f events/s including start-up and rebalance), %,.0f events/s from the first commit%n", events,
            patients, threads, (done - start) / 1e9, events / ((done - start) / 1e9),
            events / Math.max(1e-9, (done - firstProgress) / 1e9));
      }
    } finally {
      FileSystemUtils.deleteRecursively(work.toFile());
    }
  }

  private static void produce(String bootstrap, List<MedicationStreamBenchmark.Event> feed) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (MedicationStreamBenchmark.Event event : feed) {
        producer.send(new ProducerRecord<>(PREFIX + Topics.FHIR_RESOURCES.name(), event.key(), event.value()),
            (metadata, error) -> {
              if (error != null) {
                failed.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " events were not produced");
    }
    System.out.printf(Locale.ROOT, "produced %,d events in %.1f s%n", feed.size(), (System.nanoTime() - start) / 1e9);
  }

  /** Right after creation a partition's leader may still move; producing then fails with sequence errors. */
  private static void awaitLeaders(String bootstrap) throws Exception {
    String topic = PREFIX + Topics.FHIR_RESOURCES.name();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (int attempt = 0; attempt < 100; attempt++) {
        boolean ready = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
            .partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          TimeUnit.SECONDS.sleep(2);
          return;
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    throw new IllegalStateException("no leader for every partition of " + topic);
  }

  /** Events of the source topic the application has committed, over all partitions. */
  private static long committed(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("medication-runtime-bench")
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(PREFIX + Topics.FHIR_RESOURCES.name()) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset()).sum();
  }
}
