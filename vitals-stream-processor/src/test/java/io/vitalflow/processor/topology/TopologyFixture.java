package io.vitalflow.processor.topology;

import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.Topic;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Drives the very topology of {@link VitalsTopology#build()} in a {@link TopologyTestDriver}
 * configured by {@link StreamsSettings}, with RocksDB state in a fresh directory. Raw readings go
 * in as bytes, like from a producer; outputs come back typed through the catalogue's serdes.
 */
public final class TopologyFixture implements AutoCloseable {

  public static final String APP_ID = "vitals-test";
  public static final String PREFIX = "t.";

  /** Wall clock of the driver; dead letters are stamped with it. */
  public static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");

  private final Path stateDir;
  private final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> raw;

  public TopologyFixture() {
    this(VitalsTopology.Options.defaults());
  }

  public TopologyFixture(VitalsTopology.Options options) {
    this(options, RecordTracing.OFF);
  }

  public TopologyFixture(VitalsTopology.Options options, RecordTracing tracing) {
    try {
      stateDir = Files.createTempDirectory(scratch(), "vitals-topology");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    VitalsTopology.Options prefixed = options.withTopicPrefix(PREFIX);
    driver =
        new TopologyTestDriver(
            new VitalsTopology(prefixed, tracing).build(),
            StreamsSettings.properties(APP_ID, "unused:9092", stateDir, 1),
            WALL_CLOCK);
    raw =
        driver.createInputTopic(
            prefixed.topic(Topics.VITALS_RAW),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /**
   * The driver commits after every record, and a commit fsyncs checkpoints and flushes RocksDB: on
   * a busy disk that is ~100 ms a record. RAM-backed {@code /dev/shm} makes fsync free where it
   * exists.
   */
  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  /**
   * A reading as the gateway would produce it: keyed by patient, encoded with the catalogue serde.
   */
  public void pipe(VitalSign reading) {
    byte[] key = reading.getPatientId().getBytes(StandardCharsets.UTF_8);
    pipeRaw(
        key,
        Topics.VITALS_RAW.valueSerde().serializer().serialize("", reading),
        new RecordHeaders(),
        reading.getReceivedTime());
  }

  public void pipeAll(List<VitalSign> readings) {
    readings.forEach(this::pipe);
  }

  public void pipeRaw(byte[] key, byte[] value, Headers headers, Instant producerTimestamp) {
    raw.pipeInput(new TestRecord<>(key, value, headers, producerTimestamp));
  }

  public TestOutputTopic<String, VitalAggregate> aggregates1m() {
    return output(Topics.VITALS_AGG_1M);
  }

  public TestOutputTopic<String, VitalAggregate> aggregates1h() {
    return output(Topics.VITALS_AGG_1H);
  }

  public TestOutputTopic<String, News2Score> news2() {
    return output(Topics.NEWS2);
  }

  public TestOutputTopic<String, Alert> alerts() {
    return output(Topics.ALERTS);
  }

  public TestOutputTopic<byte[], byte[]> deadLetters() {
    return driver.createOutputTopic(
        PREFIX + Topics.VITALS_RAW_DLQ.name(),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** A window store: each window's aggregate and the readings it remembers. */
  WindowStore<String, WindowState> windowStore(String name) {
    return driver.getWindowStore(name);
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        PREFIX + topic.name(), new StringDeserializer(), topic.valueSerde().deserializer());
  }

  @Override
  public void close() {
    driver.close();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
