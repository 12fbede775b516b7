package io.vitalflow.processor.topology;

import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The window step on the real Kafka Streams runtime (not a test: the name keeps it out of {@code
 * verify}). {@code readings} diastolic pressures ({@code 8462-4}: not a NEWS2 parameter, so the
 * NEWS2 step only looks at the code and the work is the decoding and the two window stores) of
 * {@code patients} patients, one every 600 ms per patient (about 100 per 1-minute window, the
 * series rate of the 50,000 readings/s ingest benchmark), are produced to {@code vitals.raw.v1} of
 * the shared test broker first; then {@link VitalsTopology} runs with the processor service's
 * settings (exactly-once, one stream thread, 2 s commits, 64 MiB cache, 256 KiB producer batches)
 * and is timed until its committed offsets cover every reading. {@code -Drepeats=N} sends every
 * N-th reading a second time 50 readings later (0: none). Prints readings/s, CPU per reading and
 * the size of every topic (the changelogs are the stores' cost in bytes).
 *
 * <pre>
 * ./mvnw -B -q -o -pl vitals-stream-processor -am verify -Dtest=VitalsWindowsBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dpatients=30000 -Dreadings=3000000 | grep WINDOWS
 * </pre>
 *
 * (the numbers of docs/benchmarks.md; the defaults, 6,000 and 600,000, are a quick run)
 */
class VitalsWindowsBenchmark {

  private static final String APP = "vitals-windows-bench";
  private static final Instant BASE = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void readingsPerSecond() throws Exception {
    int patients = Integer.getInteger("patients", 6000);
    int readings = Integer.getInteger("readings", 600_000);
    int repeats = Integer.getInteger("repeats", 0);
    String bootstrap = LocalStack.shared().kafkaBootstrap();
    String prefix = LocalStack.shared().freshTopicPrefix();
    String raw = prefix + Topics.VITALS_RAW.name();
    awaitLeaders(bootstrap, raw);
    long sent = produce(bootstrap, raw, patients, readings, repeats);
    Path state = Files.createTempDirectory("vitals-windows-bench");
    String app = APP + "-" + prefix.replace(".", "");
    Properties properties =
        StreamsSettings.properties(
            StreamsSettings.Options.of(app, state)
                .withReplicationFactor(1)
                .withStreamThreads(1)
                .withCommitInterval(Duration.ofSeconds(2))
                .withCacheMaxBytes(64L * 1024 * 1024),
            KafkaClients.of(bootstrap));
    properties.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    VitalsTopology topology =
        new VitalsTopology(VitalsTopology.Options.defaults().withTopicPrefix(prefix));
    try (KafkaStreams streams = new KafkaStreams(topology.build(), properties);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      streams.start();
      long firstProgress = 0;
      long done;
      long cpu;
      while (true) {
        long committed = committed(admin, app, raw);
        long now = System.nanoTime();
        if (committed > 0 && firstProgress == 0) {
          firstProgress = now;
        }
        if (committed >= sent) {
          done = now;
          cpu = processCpuNanos() - cpuStart;
          break;
        }
        TimeUnit.MILLISECONDS.sleep(500);
      }
      System.out.printf(
          Locale.ROOT,
          "WINDOWS %,d readings (%,d repeats), %,d patients: %,.0f readings/s from the first commit,"
              + " %.2f us CPU per reading (this JVM: stream thread, clients, GC; the broker is"
              + " another process)%n",
          sent,
          sent - readings,
          patients,
          sent / Math.max(1e-9, (done - firstProgress) / 1e9),
          cpu / 1e3 / sent);
      topicSizes(admin, prefix, app);
    } finally {
      FileSystemUtils.deleteRecursively(state.toFile());
    }
  }

  private static long produce(
      String bootstrap, String topic, int patients, int readings, int repeats) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4");
    AtomicLong failed = new AtomicLong();
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < readings; i++) {
        send(producer, topic, reading(i, patients), failed);
        sent++;
        if (repeats > 0 && i >= 50 && i % repeats == 0) {
          send(producer, topic, reading(i - 50, patients), failed);
          sent++;
        }
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " readings were not produced");
    }
    return sent;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, VitalSign reading, AtomicLong failed) {
    producer.send(
        new ProducerRecord<>(
            topic,
            reading.getPatientId().getBytes(StandardCharsets.UTF_8),
            Topics.VITALS_RAW.valueSerde().serializer().serialize(topic, reading)),
        (metadata, error) -> {
          if (error != null) {
            failed.incrementAndGet();
          }
        });
  }

  /** The i-th reading: patient {@code i % patients}, every patient one reading per 600 ms. */
  private static VitalSign reading(int i, int patients) {
    Instant effective = BASE.plusMillis((long) (i / patients) * 600 + i % 600);
    return VitalSign.newBuilder()
        .setReadingId("r-" + i)
        .setPatientId("p-" + i % patients)
        .setDeviceId("d-" + i % patients)
        .setCode(Loinc.DIASTOLIC_BP)
        .setValue(60 + i % 40)
        .setUnit("mm[Hg]")
        .setEffectiveTime(effective)
        .setReceivedTime(effective.plusSeconds(1))
        .build();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void awaitLeaders(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (int attempt = 0; attempt < 100; attempt++) {
        boolean ready =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .stream()
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          TimeUnit.SECONDS.sleep(2);
          return;
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    throw new IllegalStateException("no leader for every partition of " + topic);
  }

  private static long committed(Admin admin, String app, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(app)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** Offsets and bytes on disk of this run's topics (its prefix and its changelogs). */
  private static void topicSizes(Admin admin, String prefix, String app) throws Exception {
    Map<String, long[]> topics = new TreeMap<>();
    var logDirs =
        admin
            .describeLogDirs(
                admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
            .allDescriptions()
            .get(10, TimeUnit.SECONDS);
    for (var dir : logDirs.values()) {
      for (var dirs : dir.values()) {
        dirs.replicaInfos()
            .forEach(
                (partition, info) -> {
                  if (partition.topic().startsWith(prefix) || partition.topic().startsWith(app)) {
                    topics.computeIfAbsent(partition.topic(), t -> new long[2])[1] += info.size();
                  }
                });
      }
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(topics.keySet())
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    admin
        .listOffsets(latest)
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((partition, info) -> topics.get(partition.topic())[0] += info.offset());
    topics.forEach(
        (name, sizes) -> {
          if (sizes[0] > 0) {
            System.out.printf(
                Locale.ROOT,
                "WINDOWS   %-70s %,12d offsets %,10.1f MB%n",
                name,
                sizes[0],
                sizes[1] / 1e6);
          }
        });
  }
}
