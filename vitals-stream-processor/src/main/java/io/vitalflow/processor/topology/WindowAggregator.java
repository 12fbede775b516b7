package io.vitalflow.processor.topology;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
 * Tumbling-window aggregates per (patient, code) in 1-minute and 1-hour windows, emitted on every
 * update; a reading sent again is counted once.
 *
 * <p>Written against the Processor API rather than {@code groupBy(..).windowedBy(..)} because the
 * DSL would repartition on the (patient, code) key although every reading of a patient is already
 * on the patient's partition; here the window stores are keyed by {@link #storeKey} and live next
 * to the partition. Grace works as in the DSL: a window accepts readings until stream time reaches
 * its end plus the grace period.
 *
 * <p>Repeats: the 1-minute window remembers the readings it counted ({@link WindowState}) and
 * judges each reading; one it counted before is counted neither in the minute nor in the hour, as a
 * reading's minute lies inside its hour. So the hour needs no memory of its own, and each window
 * size still costs one store read and write per reading (none for a repeat). A reading too late for
 * its minute but in time for its hour is judged against its closed minute, which the minute store
 * keeps until the hour's grace is over, and remembered there without being counted.
 */
final class WindowAggregator implements Processor<String, VitalSign, String, VitalAggregate> {

  private static final Logger log = LoggerFactory.getLogger(WindowAggregator.class);

  /**
   * One window size.
   *
   * @param store name of its window store
   * @param size window length; windows are aligned to the epoch
   * @param grace how late, in stream time, a reading may be for its window
   */
  record Size(String store, Duration size, Duration grace) {

    String spanName() {
      return "vitals aggregate "
          + (size.toHours() >= 1 ? size.toHours() + "h" : size.toMinutes() + "m");
    }
  }

  /** How a window took a reading. */
  private enum Outcome {
    COUNTED,
    REPEATED,
    CLOSED
  }

  private final Window minute;
  private final Window hour;
  private final RecordTracing tracing;
  private ProcessorContext<String, VitalAggregate> context;
  private long observedStreamTime = -1L;

  WindowAggregator(Size minute, Size hour) {
    this(minute, hour, RecordTracing.OFF);
  }

  /**
   * @param minute the windows that judge repeats: at most {@link WindowState#MAX_JUDGING_WINDOW_MS}
   *     long
   * @param hour the windows that trust the minute's judgement: a multiple of {@code minute}, so
   *     that each minute lies inside one hour
   * @param tracing a span per traced reading and window (child of the context its headers carry),
   *     whose context the window update carries on; nothing for readings without one
   */
  WindowAggregator(Size minute, Size hour, RecordTracing tracing) {
    long minuteMs = minute.size().toMillis();
    long hourMs = hour.size().toMillis();
    if (minuteMs <= 0 || minuteMs > WindowState.MAX_JUDGING_WINDOW_MS) {
      throw new IllegalArgumentException("judging windows must be 1 ms to 65.536 s long");
    }
    if (hourMs <= 0 || hourMs % minuteMs != 0) {
      throw new IllegalArgumentException("the longer windows must be a multiple of the shorter");
    }
    this.minute = new Window(minute, true);
    this.hour = new Window(hour, false);
    this.tracing = tracing;
  }

  /**
   * RocksDB window store with a changelog, values in the {@link WindowStateSerde} format, holding
   * each window for {@code retention} after its start: at least its size and grace; the judging
   * windows until the grace of the windows that trust them is over too, so that a reading too late
   * for its minute is still judged for its hour.
   */
  static StoreBuilder<WindowStore<String, WindowState>> storeBuilder(
      Size size, Duration retention) {
    if (retention.compareTo(size.size().plus(size.grace())) < 0) {
      throw new IllegalArgumentException("a window must be kept until its grace period is over");
    }
    return Stores.windowStoreBuilder(
            Stores.persistentWindowStore(size.store(), retention, size.size(), false),
            Serdes.String(),
            new WindowStateSerde())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of());
  }

  /** Key of a (patient, code) series in the window stores; codes contain no '|'. */
  static String storeKey(String patientId, String code) {
    return patientId + '|' + code;
  }

  /** Whether {@code aggregate} is one of a window {@code size} long. */
  static boolean spans(VitalAggregate aggregate, Duration size) {
    return aggregate.getWindowEnd().toEpochMilli() - aggregate.getWindowStart().toEpochMilli()
        == size.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, VitalAggregate> context) {
    this.context = context;
    minute.store = context.getStateStore(minute.size.store());
    hour.store = context.getStateStore(hour.size.store());
  }

  @Override
  public void process(Record<String, VitalSign> record) {
    VitalSign reading = record.value();
    observedStreamTime =
        Math.max(observedStreamTime, Math.max(record.timestamp(), context.currentStreamTimeMs()));
    String key = storeKey(reading.getPatientId(), reading.getCode());
    Outcome inMinute = traced(minute, record, key, false);
    traced(hour, record, key, inMinute == Outcome.REPEATED);
  }

  private Outcome traced(
      Window window, Record<String, VitalSign> record, String key, boolean repeat) {
    Span span = tracing.startChild(window.spanName, null, record.headers());
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      return aggregate(window, record, key, repeat, span);
    } finally {
      scope.close();
      span.end();
    }
  }

  private Outcome aggregate(
      Window window, Record<String, VitalSign> record, String key, boolean repeat, Span span) {
    VitalSign reading = record.value();
    long time = record.timestamp();
    long windowStart = time - Math.floorMod(time, window.sizeMs);
    long windowEnd = windowStart + window.sizeMs;
    boolean closed = windowEnd + window.graceMs <= observedStreamTime;
    if (closed && !window.judges) {
      return closed(window, reading, windowEnd, span);
    }
    if (repeat) {
      return repeated(window, reading, span);
    }
    WindowState current = window.store.fetch(key, windowStart);
    long identity =
        window.judges ? WindowState.identity(time - windowStart, reading.getReadingId()) : 0L;
    if (window.judges && current != null && current.hasCounted(identity)) {
      return repeated(window, reading, span);
    }
    if (closed) {
      // kept beyond its grace (for as long as the hour takes readings): remembers the reading for
      // the hour's sake, without counting it
      if (current != null) {
        window.store.put(key, current.counting(current.aggregate(), identity), windowStart);
      }
      return closed(window, reading, windowEnd, span);
    }
    VitalAggregate next =
        VitalAggregates.add(
            current == null ? null : current.aggregate(),
            reading,
            Instant.ofEpochMilli(windowStart),
            Instant.ofEpochMilli(windowEnd));
    WindowState state;
    if (!window.judges) {
      state = WindowState.of(next);
    } else if (current == null) {
      state = WindowState.of(next).counting(next, identity);
    } else {
      state = current.counting(next, identity);
    }
    window.store.put(key, state, windowStart);
    context.forward(
        new Record<>(
            reading.getPatientId(),
            next,
            next.getLastTime().toEpochMilli(),
            tracing.recordHeaders(span)));
    return Outcome.COUNTED;
  }

  private Outcome closed(Window window, VitalSign reading, long windowEnd, Span span) {
    log.debug(
        "Dropping {} reading {} ms after its {} ms window closed",
        reading.getCode(),
        observedStreamTime - windowEnd - window.graceMs,
        window.sizeMs);
    span.event("dropped: window closed");
    return Outcome.CLOSED;
  }

  private static Outcome repeated(Window window, VitalSign reading, Span span) {
    log.debug(
        "Not counting a repeated {} reading again in its {} ms window",
        reading.getCode(),
        window.sizeMs);
    span.event("dropped: reading counted before");
    return Outcome.REPEATED;
  }

  /** One window size and, once initialised, its store. */
  private static final class Window {

    final Size size;
    final long sizeMs;
    final long graceMs;
    final String spanName;
    final boolean judges;
    WindowStore<String, WindowState> store;

    Window(Size size, boolean judges) {
      this.size = size;
      this.sizeMs = size.size().toMillis();
      this.graceMs = size.grace().toMillis();
      this.spanName = size.spanName();
      this.judges = judges;
    }
  }
}
