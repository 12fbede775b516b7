package io.vitalflow.processor.topology;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling-window aggregate per (patient, code), emitted on every update.
 *
 * <p>Written against the Processor API rather than {@code groupBy(..).windowedBy(..)} because the
 * DSL would repartition on the (patient, code) key although every reading of a patient is already
 * on the patient's partition; here the window store is keyed by {@link #storeKey} and lives next to
 * the partition. Grace works as in the DSL: a window accepts readings until stream time reaches its
 * end plus the grace period.
 */
final class WindowAggregator implements Processor<String, VitalSign, String, VitalAggregate> {

  private static final Logger log = LoggerFactory.getLogger(WindowAggregator.class);

  private final String storeName;
  private final long sizeMs;
  private final long graceMs;
  private final RecordTracing tracing;
  private final String spanName;
  private ProcessorContext<String, VitalAggregate> context;
  private WindowStore<String, VitalAggregate> store;
  private long observedStreamTime = -1L;

  WindowAggregator(String storeName, Duration size, Duration grace) {
    this(storeName, size, grace, RecordTracing.OFF);
  }

  /**
   * @param tracing a span per traced reading (child of the context its headers carry), whose
   *     context the window update carries on; nothing for readings without one
   */
  WindowAggregator(String storeName, Duration size, Duration grace, RecordTracing tracing) {
    this.storeName = storeName;
    this.sizeMs = size.toMillis();
    this.graceMs = grace.toMillis();
    this.tracing = tracing;
    this.spanName =
        "vitals aggregate " + (size.toHours() >= 1 ? size.toHours() + "h" : size.toMinutes() + "m");
  }

  /** RocksDB window store with a changelog, holding each window until its grace period is over. */
  static StoreBuilder<WindowStore<String, VitalAggregate>> storeBuilder(
      String name, Duration size, Duration grace, Serde<VitalAggregate> valueSerde) {
    return Stores.windowStoreBuilder(
            Stores.persistentWindowStore(name, size.plus(grace), size, false),
            Serdes.String(),
            valueSerde)
        .withCachingEnabled()
        .withLoggingEnabled(Map.of());
  }

  /** Key of a (patient, code) series in the window store; codes contain no '|'. */
  static String storeKey(String patientId, String code) {
    return patientId + '|' + code;
  }

  @Override
  public void init(ProcessorContext<String, VitalAggregate> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, VitalSign> record) {
    Span span = tracing.startChild(spanName, null, record.headers());
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      aggregate(record, span);
    } finally {
      scope.close();
      span.end();
    }
  }

  private void aggregate(Record<String, VitalSign> record, Span span) {
    VitalSign reading = record.value();
    long time = record.timestamp();
    observedStreamTime =
        Math.max(observedStreamTime, Math.max(time, context.currentStreamTimeMs()));
    long windowStart = time - Math.floorMod(time, sizeMs);
    long windowEnd = windowStart + sizeMs;
    if (windowEnd + graceMs <= observedStreamTime) {
      log.debug(
          "Dropping {} reading {} ms after its {} ms window closed",
          reading.getCode(),
          observedStreamTime - windowEnd - graceMs,
          sizeMs);
      span.event("dropped: window closed");
      return;
    }
    String key = storeKey(reading.getPatientId(), reading.getCode());
    VitalAggregate next =
        VitalAggregates.add(
            store.fetch(key, windowStart),
            reading,
            Instant.ofEpochMilli(windowStart),
            Instant.ofEpochMilli(windowEnd));
    store.put(key, next, windowStart);
    context.forward(
        new Record<>(
            reading.getPatientId(),
            next,
            next.getLastTime().toEpochMilli(),
            tracing.recordHeaders(span)));
  }
}
