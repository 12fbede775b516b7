package io.vitalflow.processor.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.processor.topology.RawReadingCheck;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.storage.sink.SinkBatch;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one sink transaction writes: raw readings and the newest state of each touched window.
 * Unusable raw records ({@link RawReadingCheck}) are skipped and counted here; the stream processor
 * sends the same records to the dead-letter topic.
 *
 * <p>Each raw reading keeps the client that sent it (header {@link Topics#HEADER_CLIENT}, stored as
 * {@code source_client}): by identity, beside the list, so that the writer's paths that pick
 * readings out of the batch ({@link ReadingRepeats}) still find it.
 */
final class VitalsBatch implements SinkBatch {

  /** The bucket bounds of {@code vitalflow.sink.accepted.to.stored}: 50 ms to 5 min. */
  static final Duration[] ACCEPTED_TO_STORED_BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofMinutes(5)
  };

  private static final Logger log = LoggerFactory.getLogger(VitalsBatch.class);

  record WindowKey(String patientId, String code, long windowStartMillis) {}

  private final String rawTopic;
  private final String minuteTopic;
  private final RawReadingCheck readingCheck;
  private final List<VitalSign> readings = new ArrayList<>();
  private final Map<VitalSign, String> sourceClients = new IdentityHashMap<>();
  private final Map<WindowKey, VitalAggregate> minute = new LinkedHashMap<>();
  private final Map<WindowKey, VitalAggregate> hour = new LinkedHashMap<>();
  private final Counter stored;
  private final Counter repeated;
  private int storedReadings;

  /**
   * Whether the last written batch held repeated readings: then the next one is checked for them
   * first.
   */
  private boolean repeatsSeen;

  private final Counter undecodable;
  private final Timer acceptedToStored;
  private final RecordTracing tracing;
  private final String spanName;

  /** Headers of the buffered records that carry a trace (none unless tracing is on). */
  private final List<Headers> traced = new ArrayList<>();

  VitalsBatch(
      String topicPrefix, String sinkName, RawReadingCheck readingCheck, MeterRegistry meters) {
    this(topicPrefix, sinkName, readingCheck, meters, RecordTracing.OFF);
  }

  /**
   * @param tracing one span per written batch, child of the first traced record's context and
   *     linking the others' (docs/observability.md, "Tracing")
   */
  VitalsBatch(
      String topicPrefix,
      String sinkName,
      RawReadingCheck readingCheck,
      MeterRegistry meters,
      RecordTracing tracing) {
    this.tracing = tracing;
    this.spanName = "sink " + sinkName + " write";
    this.rawTopic = topicPrefix + Topics.VITALS_RAW.name();
    this.minuteTopic = topicPrefix + Topics.VITALS_AGG_1M.name();
    this.readingCheck = readingCheck;
    this.stored = meters.counter("vitalflow.sink.rows", "table", "vital_reading");
    this.repeated =
        Counter.builder("vitalflow.sink.repeated")
            .description(
                "Readings not stored because the same reading (patient, effective time, id) was stored before")
            .tag("table", "vital_reading")
            .register(meters);
    this.undecodable = meters.counter("vitalflow.sink.undecodable", "sink", sinkName);
    this.acceptedToStored =
        Timer.builder("vitalflow.sink.accepted.to.stored")
            .description("From the gateway's acceptance of a reading to its commit in PostgreSQL")
            // buckets, not client-side percentiles: Prometheus adds them up across the processor
            // instances; 30 s is a bound, so "stored within 30 s" is an exact bucket (alerts.yml)
            .serviceLevelObjectives(ACCEPTED_TO_STORED_BUCKETS)
            .register(meters);
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> record) {
    if (tracing.carriesTrace(record.headers())) {
      traced.add(record.headers());
    }
    if (record.topic().equals(rawTopic)) {
      VitalSign reading = readingCheck.usable(record.topic(), record.key(), record.value());
      if (reading == null) {
        skip(record, "unusable reading (dead-lettered by the stream processor)");
      } else {
        readings.add(reading);
        Header client = record.headers().lastHeader(Topics.HEADER_CLIENT);
        if (client != null && client.value() != null) {
          sourceClients.put(reading, new String(client.value(), StandardCharsets.UTF_8));
        }
      }
      return;
    }
    VitalAggregate aggregate = decodeAggregate(record);
    if (aggregate == null) {
      skip(record, "undecodable window aggregate");
    } else if (record.topic().equals(minuteTopic)) {
      minute.put(keyOf(aggregate), aggregate);
    } else {
      hour.put(keyOf(aggregate), aggregate);
    }
  }

  @Override
  public void write(Connection connection) throws SQLException {
    Span span = tracing.startBatch(spanName, Span.Kind.CONSUMER, traced);
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      storedReadings = PostgresSinkWriter.write(connection, this, Instant.now(), !repeatsSeen);
    } catch (SQLException | RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }

  @Override
  public void committed() {
    stored.increment(storedReadings);
    repeated.increment(readings.size() - storedReadings);
    repeatsSeen = storedReadings < readings.size();
    Instant committed = Instant.now();
    for (VitalSign reading : readings) {
      acceptedToStored.record(Duration.between(reading.getReceivedTime(), committed));
    }
  }

  @Override
  public void clear() {
    traced.clear();
    readings.clear();
    sourceClients.clear();
    storedReadings = 0;
    minute.clear();
    hour.clear();
  }

  List<VitalSign> readings() {
    return readings;
  }

  /**
   * The client that sent {@code reading} to the ingest gateway; null when the record names none.
   */
  String sourceClient(VitalSign reading) {
    return sourceClients.get(reading);
  }

  /**
   * Later updates of a window replace earlier ones: the topic carries every update, the last one
   * wins.
   */
  Iterable<VitalAggregate> minuteAggregates() {
    return minute.values();
  }

  Iterable<VitalAggregate> hourAggregates() {
    return hour.values();
  }

  /** The aggregate, or {@code null} for a tombstone or bytes that do not decode. */
  private static VitalAggregate decodeAggregate(ConsumerRecord<byte[], byte[]> record) {
    try {
      return Topics.VITALS_AGG_1M
          .valueSerde()
          .deserializer()
          .deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      return null;
    }
  }

  private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
    undecodable.increment();
    log.warn(
        "Skipped record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), why);
  }

  private static WindowKey keyOf(VitalAggregate aggregate) {
    return new WindowKey(
        aggregate.getPatientId(), aggregate.getCode(), aggregate.getWindowStart().toEpochMilli());
  }
}
