package io.vitalflow.processor.medication;

import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.kafka.TopicAdmin;
import io.vitalflow.local.LocalKafka;
import io.vitalflow.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * Medication events through {@link MedicationTopology} on the real Kafka Streams runtime: a KRaft
 * broker (child JVM), the events of {@link MedicationStreamBenchmark#generate} produced to {@code
 * fhir.resources.v1} first, then the topology started with the service's settings (exactly-once,
 * one stream thread, RocksDB) and timed until its committed offsets cover every event. Not part of
 * {@code verify}; see docs/benchmarks.md.
 *
 * <pre>
 * ./mvnw -q -o -pl benchmarks exec:exec -Dbench=io.vitalflow.processor.medication.MedicationStreamRuntimeBenchmark \
 *   -Dbench.args="10000 200000 [threads]"</pre>
 */
public final class MedicationStreamRuntimeBenchmark {

  private static final String PREFIX = "bench.";

  private MedicationStreamRuntimeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int patients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    List<MedicationStreamBenchmark.Event> feed =
        MedicationStreamBenchmark.generate(patients, events, 42);
    Path work = Files.createTempDirectory("medication-runtime-bench");
    try (LocalKafka kafka = LocalKafka.start(work.resolve("kafka"), 0, "1g");
        WasmInteractionChecker checker = WasmInteractionChecker.shipped()) {
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), PREFIX, (short) 1);
      awaitLeaders(kafka.bootstrapServers());
      produce(kafka.bootstrapServers(), feed);
      feed.clear(); // a million events held here kept G1's concurrent marking busy on the stream's
      // cores
      System.gc();
      Properties properties =
          StreamsSettings.properties(
              StreamsSettings.Options.of("medication-runtime-bench", work.resolve("state"))
                  .withReplicationFactor(1)
                  .withStreamThreads(threads)
                  .withCommitInterval(
                      Duration.ofMillis(
                          Long.getLong(
                              "bench.commit", MedicationTopology.COMMIT_INTERVAL.toMillis())))
                  .withCacheMaxBytes(
                      Long.getLong("bench.cache", MedicationTopology.CACHE_MAX_BYTES)),
              KafkaClients.of(kafka.bootstrapServers()));
      System.getProperties().stringPropertyNames().stream()
          .filter(name -> name.startsWith("streams."))
          .forEach(
              name ->
                  properties.put(name.substring("streams.".length()), System.getProperty(name)));
      MedicationTopology topology =
          new MedicationTopology(MedicationTopology.Options.of(checker).withTopicPrefix(PREFIX));
      MedicationTopology.StateStores stores =
          "rocksdb".equals(System.getProperty("bench.stores"))
              ? MedicationTopology.StateStores.ROCKSDB
              : MedicationTopology.StateStores.IN_MEMORY;
      System.out.println("stores " + stores + ", settings " + properties);
      String floor = System.getProperty("bench.floor");
      Topology built = floor != null ? floor(floor, patients) : topology.build(stores);
      try (KafkaStreams streams = new KafkaStreams(built, properties);
          Admin admin =
              Admin.create(
                  Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        streams.start();
        long firstProgress = 0;
        long done;
        long cpu;
        while (true) {
          long committed = committed(admin) - ("consume".equals(floor) ? 0 : repartitionLag(admin));
          long now = System.nanoTime();
          if (committed > 0 && firstProgress == 0) {
            firstProgress = now;
          }
          System.out.printf(
              Locale.ROOT,
              "  %5.1f s  %,d of %,d events committed  state %s%n",
              (now - start) / 1e9,
              committed,
              events,
              streams.state());
          if (committed >= events) {
            done = now;
            cpu = processCpuNanos() - cpuStart;
            break;
          }
          TimeUnit.MILLISECONDS.sleep(1000);
        }
        System.out.printf(
            Locale.ROOT,
            "%,d events, %,d patients, %d stream thread(s): %.1f s from start"
                + " (%,.0f events/s including start-up and rebalance), %,.0f events/s from the first commit%n",
            events,
            patients,
            threads,
            (done - start) / 1e9,
            events / ((done - start) / 1e9),
            events / Math.max(1e-9, (done - firstProgress) / 1e9));
        System.out.printf(
            Locale.ROOT,
            "CPU of this JVM (stream threads, clients, GC; the broker is another process):"
                + " %.1f s, %.2f us per event%n",
            cpu / 1e9,
            cpu / 1e3 / events);
        topicSizes(admin);
      }
    } finally {
      FileSystemUtils.deleteRecursively(work.toFile());
    }
  }

  /** CPU time of this process, all threads (HotSpot's {@code OperatingSystemMXBean}). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void produce(String bootstrap, List<MedicationStreamBenchmark.Event> feed)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4");
    long start = System.nanoTime();
    AtomicLong failed = new AtomicLong();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (MedicationStreamBenchmark.Event event : feed) {
        producer.send(
            new ProducerRecord<>(PREFIX + Topics.FHIR_RESOURCES.name(), event.key(), event.value()),
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
    System.out.printf(
        Locale.ROOT,
        "produced %,d events in %.1f s%n",
        feed.size(),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Right after creation a partition's leader may still move; producing then fails with sequence
   * errors.
   */
  private static void awaitLeaders(String bootstrap) throws Exception {
    String topic = PREFIX + Topics.FHIR_RESOURCES.name();
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

  /**
   * Kafka's own cost for the same shape with no medication work: {@code consume} reads the source
   * only; {@code repartition} re-keys every record by a patient (a 40-byte value) through a
   * repartition topic; {@code stores} adds a get + put or delete in a store before the repartition
   * and a get + put in a cached store after it, as the medication topology does ({@code
   * -Dbench.stores=rocksdb} for RocksDB ones).
   */
  static Topology floor(String variant, int patients) {
    var builder = new StreamsBuilder();
    var bytes = Serdes.ByteArray();
    var strings = Serdes.String();
    boolean stores = variant.equals("stores");
    if (stores) {
      builder.addStateStore(Stores.keyValueStoreBuilder(floorStore("a"), strings, strings));
      builder.addStateStore(
          Stores.keyValueStoreBuilder(floorStore("b"), strings, bytes).withCachingEnabled());
    }
    var source =
        builder.stream(PREFIX + Topics.FHIR_RESOURCES.name(), Consumed.with(strings, bytes));
    if (variant.equals("consume")) {
      source.foreach((k, v) -> {});
      return builder.build();
    }
    source
        .process(
            () ->
                new Processor<String, byte[], String, byte[]>() {
                  private ProcessorContext<String, byte[]> context;
                  private KeyValueStore<String, String> store;

                  @Override
                  public void init(ProcessorContext<String, byte[]> context) {
                    this.context = context;
                    this.store = stores ? context.getStateStore("a") : null;
                  }

                  @Override
                  public void process(Record<String, byte[]> record) {
                    String patient = "p-" + Math.floorMod(record.key().hashCode(), patients);
                    if (store
                        != null) { // a new order is put, its next version (a stop in this feed)
                      // deletes it
                      if (store.get(record.key()) == null) {
                        store.put(record.key(), patient);
                      } else {
                        store.delete(record.key());
                      }
                    }
                    context.forward(record.withKey(patient).withValue(new byte[40]));
                  }
                },
            stores ? new String[] {"a"} : new String[0])
        .repartition(Repartitioned.with(strings, bytes).withName("floor"))
        .process(
            () ->
                new Processor<String, byte[], Void, Void>() {
                  private KeyValueStore<String, byte[]> store;

                  @Override
                  public void init(ProcessorContext<Void, Void> context) {
                    this.store = stores ? context.getStateStore("b") : null;
                  }

                  @Override
                  public void process(Record<String, byte[]> record) {
                    if (store != null) {
                      store.get(
                          record
                              .key()); // read and written, as the check step does with a patient's
                      // list
                      store.put(record.key(), record.value());
                    }
                  }
                },
            stores ? new String[] {"b"} : new String[0]);
    return builder.build();
  }

  private static KeyValueBytesStoreSupplier floorStore(String name) {
    return "rocksdb".equals(System.getProperty("bench.stores"))
        ? Stores.persistentKeyValueStore(name)
        : Stores.inMemoryKeyValueStore(name);
  }

  /**
   * What crossed the broker: per topic, its end offsets (records plus transaction markers) and
   * bytes on disk.
   */
  private static void topicSizes(Admin admin) throws Exception {
    Map<String, long[]> topics = new TreeMap<>();
    var logDirs = admin.describeLogDirs(List.of(1)).allDescriptions().get(10, TimeUnit.SECONDS);
    for (var dir : logDirs.values()) {
      for (var dirs : dir.values()) {
        dirs.replicaInfos()
            .forEach(
                (partition, info) ->
                    topics.computeIfAbsent(partition.topic(), t -> new long[2])[1] += info.size());
      }
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    var described = admin.describeTopics(topics.keySet()).allTopicNames().get(10, TimeUnit.SECONDS);
    described.forEach(
        (name, description) ->
            description
                .partitions()
                .forEach(
                    p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    admin
        .listOffsets(latest)
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((partition, info) -> topics.get(partition.topic())[0] += info.offset());
    topics.forEach(
        (name, sizes) ->
            System.out.printf(
                Locale.ROOT, "  %-75s %,12d offsets %,10.1f MB%n", name, sizes[0], sizes[1] / 1e6));
  }

  /**
   * Records of the repartition topic not yet committed by the check step. A partition's last record
   * is the commit marker of its last transaction, which a consumer never commits past, hence the
   * {@code - 1}.
   */
  private static long repartitionLag(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets("medication-runtime-bench")
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicPartition partition : offsets.keySet()) {
      if (partition.topic().endsWith("-repartition")) {
        latest.put(partition, OffsetSpec.latest());
      }
    }
    if (latest.isEmpty()) {
      return 1; // the check step has committed nothing yet
    }
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
      lag += Math.max(0, end.getValue().offset() - 1 - offsets.get(end.getKey()).offset());
    }
    return lag;
  }

  /** Events of the source topic the application has committed, over all partitions. */
  private static long committed(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets("medication-runtime-bench")
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    return offsets.entrySet().stream()
        .filter(
            e ->
                e.getKey().topic().equals(PREFIX + Topics.FHIR_RESOURCES.name())
                    && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
