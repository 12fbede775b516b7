package io.vitalflow.processor.medication;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * Stream benchmark (not a test): medication events per second through {@link MedicationTopology} in
 * a {@link TopologyTestDriver} (one thread, RocksDB stores, no broker) with the shipped AOT
 * checker. Feeds pre-encoded {@code fhir.resources.v1} records (Avro {@link FhirResourceVersion}
 * carrying MedicationRequest JSON) for many patients: new active orders and stopped orders, at most
 * 8 active orders per patient. Each round starts a fresh driver and state directory and replays the
 * same events; the first round is warm-up. The driver runs at-least-once (see {@link #run}).
 *
 * <pre>
 * ./mvnw -q -o -pl benchmarks -am install -DskipTests
 * ./mvnw -q -o -pl benchmarks exec:exec -Dbench=io.vitalflow.processor.medication.MedicationStreamBenchmark \
 *   -Dbench.args="[patients] [events] [rounds]"
 * </pre>
 *
 * {@code -Dbench.stores=in-memory} (or {@code rocksdb}) runs one variant only. Each round prints
 * the CPU time of the driver's thread per event, which unlike the rate does not depend on what else
 * the machine runs.
 *
 * <p>Also prints the parse-only rate (Avro decode + {@link OrderReader} on every MedicationRequest,
 * what {@link OrderRouter} does per event) and the share of the round spent inside {@code
 * InteractionChecker.check}.
 */
public final class MedicationStreamBenchmark {

  static final String PREFIX = "b.";
  static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");

  /** ingredient and clinical-drug codes of the knowledge base, interacting and harmless ones */
  static final String[] CODES = {
    "11289", "855332", "310965", "197806", "161", "861007", "1191", "243670", "36567", "757704",
    "21212", "4450", "29046", "6809", "7646", "36437", "2551", "703", "833528", "10689", "4493",
    "17767", "5640", "198335"
  };

  record Event(String key, byte[] value, String json) {}

  public static void main(String[] args) throws IOException {
    int patients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);

    List<Event> feed = generate(patients, events, 42);
    try (WasmInteractionChecker wasm = WasmInteractionChecker.shipped()) {
      AtomicLong checkNanos = new AtomicLong();
      AtomicLong checks = new AtomicLong();
      InteractionChecker timed =
          new InteractionChecker() {
            @Override
            public CheckResult check(List<Medication> medications) {
              long start = System.nanoTime();
              try {
                return wasm.check(medications);
              } finally {
                checkNanos.addAndGet(System.nanoTime() - start);
                checks.incrementAndGet();
              }
            }

            @Override
            public String kbVersion() {
              return wasm.kbVersion();
            }
          };
      MedicationTopology.Options options =
          MedicationTopology.Options.of(timed).withTopicPrefix(PREFIX);
      System.out.printf(
          Locale.ROOT,
          "%d events, %d patients, %d rounds (round 1 is warm-up)%n",
          events,
          patients,
          rounds);
      boolean parseOnly = args.length > 3 && args[3].equals("parse-only");
      String only = System.getProperty("bench.stores"); // in-memory or rocksdb; both when absent
      for (String stores :
          parseOnly
              ? List.<String>of()
              : only != null ? List.of(only) : List.of("in-memory", "rocksdb")) {
        for (int round = 1; round <= rounds; round++) {
          checkNanos.set(0);
          checks.set(0);
          long[] out = new long[4];
          long elapsed = run(options, stores.equals("rocksdb"), feed, out);
          System.out.printf(
              Locale.ROOT,
              "%s stores, round %d: %,.0f events/s (%.2f s, %.2f us CPU per event); %,d checks, %.1f%% of the time in"
                  + " check (%.0f ns each); out: %,d FHIR commands, %,d alerts, %,d dead letters%n",
              stores,
              round,
              events / (elapsed / 1e9),
              elapsed / 1e9,
              out[3] / 1e3 / events,
              checks.get(),
              100.0 * checkNanos.get() / elapsed,
              checks.get() == 0 ? 0.0 : (double) checkNanos.get() / checks.get(),
              out[0],
              out[1],
              out[2]);
        }
      }
      parseOnly(feed, rounds);
    }
  }

  /**
   * One round in a fresh driver; returns the nanoseconds from the first input to the last output
   * drained.
   */
  static long run(MedicationTopology.Options options, boolean rocksdb, List<Event> feed, long[] out)
      throws IOException {
    Path shm = Path.of("/dev/shm");
    Path stateDir =
        Files.isDirectory(shm)
            ? Files.createTempDirectory(shm, "medication-stream-bench")
            : Files.createTempDirectory("medication-stream-bench");
    Properties properties =
        StreamsSettings.properties("medications-bench", "unused:9092", stateDir, 1);
    // The driver commits after every record, and each of its commits checkpoints, i.e. flushes
    // RocksDB and
    // writes checkpoint files (milliseconds per record here); a real stream thread does that once
    // per
    // commit.interval.ms. So the RocksDB variant measures mostly the driver's flushes (state under
    // /dev/shm to
    // keep the disk out of it) and the in-memory variant the per-record processing: decode, order
    // reading, state,
    // check, report.
    properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    MedicationTopology topology = new MedicationTopology(options);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            topology.build(
                rocksdb
                    ? MedicationTopology.StateStores.ROCKSDB
                    : MedicationTopology.StateStores.IN_MEMORY),
            properties,
            WALL_CLOCK)) {
      TestInputTopic<String, byte[]> input =
          driver.createInputTopic(
              PREFIX + Topics.FHIR_RESOURCES.name(),
              new StringSerializer(),
              new ByteArraySerializer());
      List<TestOutputTopic<String, byte[]>> outputs =
          List.of(
              output(driver, Topics.FHIR_COMMANDS.name()),
              output(driver, Topics.ALERTS.name()),
              output(driver, Topics.MEDICATION_EVENTS_DLQ.name()));
      Instant timestamp = WALL_CLOCK.minusSeconds(60);
      java.lang.management.ThreadMXBean cpu =
          java.lang.management.ManagementFactory.getThreadMXBean();
      long cpuStart = cpu.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      int n = 0;
      for (Event e : feed) {
        input.pipeInput(e.key(), e.value(), timestamp);
        if (++n % 5_000 == 0) {
          drain(outputs, out);
        }
      }
      drain(outputs, out);
      long elapsed = System.nanoTime() - start;
      out[3] =
          cpu.getCurrentThreadCpuTime() - cpuStart; // the driver runs everything on this thread
      return elapsed;
    } finally {
      FileSystemUtils.deleteRecursively(stateDir.toFile());
    }
  }

  static TestOutputTopic<String, byte[]> output(TopologyTestDriver driver, String name) {
    return driver.createOutputTopic(
        PREFIX + name, new StringDeserializer(), new ByteArrayDeserializer());
  }

  static void drain(List<TestOutputTopic<String, byte[]>> outputs, long[] out) {
    for (int i = 0; i < outputs.size(); i++) { // out[outputs.size()] is the CPU time
      out[i] += outputs.get(i).readValuesToList().size();
    }
  }

  /**
   * What {@link OrderRouter} does per event before any state or check: Avro decode, then the field
   * extraction.
   */
  static void parseOnly(List<Event> feed, int rounds) {
    OrderReader reader = new OrderReader();
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      long avro = 0;
      long active = 0;
      for (Event e : feed) {
        long a = System.nanoTime();
        FhirResourceVersion version =
            Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(null, e.value());
        avro += System.nanoTime() - a;
        if (reader.read(version.getResource()).active()) {
          active++;
        }
      }
      long elapsed = System.nanoTime() - start;
      System.out.printf(
          Locale.ROOT,
          "parse only, round %d: %,.0f events/s (Avro decode %.0f ns + OrderReader %.0f ns per event; %d active)%n",
          round,
          feed.size() / (elapsed / 1e9),
          (double) avro / feed.size(),
          (double) (elapsed - avro) / feed.size(),
          active);
    }
  }

  /**
   * New active orders and stopped ones, for {@code patients} patients, at most 8 active orders
   * each.
   */
  static List<Event> generate(int patients, int events, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<List<String[]>> lists = new ArrayList<>(patients);
    for (int p = 0; p < patients; p++) {
      lists.add(new ArrayList<>());
    }
    List<Event> feed = new ArrayList<>(events);
    long versions = 0;
    long orders = 0;
    for (int i = 0; i < events; i++) {
      int p = random.nextInt(patients);
      List<String[]> list = lists.get(p);
      String id;
      String code;
      String status;
      if (list.size() >= 8 || (!list.isEmpty() && random.nextInt(4) == 0)) {
        String[] stopped = list.remove(random.nextInt(list.size()));
        id = stopped[0];
        code = stopped[1];
        status = "stopped";
      } else {
        id = "mr-" + (++orders);
        code = CODES[random.nextInt(CODES.length)];
        status = "active";
        list.add(new String[] {id, code});
      }
      String json =
          """
          {"resourceType":"MedicationRequest","id":"%s","meta":{"versionId":"%d"},"status":"%s","intent":"order",\
          "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",\
          "code":"%s"}]},"subject":{"reference":"Patient/p-%d"},"authoredOn":"2029-12-31T10:00:00Z"}"""
              .formatted(id, ++versions, status, code, p);
      FhirResourceVersion version =
          FhirResourceVersion.newBuilder()
              .setResourceType("MedicationRequest")
              .setResourceId(id)
              .setVersionId(versions)
              .setLastUpdated(WALL_CLOCK.minusSeconds(60))
              .setDeleted(false)
              .setResource(json)
              .setRequestId("r-" + versions)
              .build();
      feed.add(
          new Event(
              "MedicationRequest/" + id,
              Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("", version),
              json));
    }
    return feed;
  }

  private MedicationStreamBenchmark() {}
}
