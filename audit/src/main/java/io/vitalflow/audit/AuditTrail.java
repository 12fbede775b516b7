package io.vitalflow.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.kafka.Failures;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces every {@link AuditRecord} as a FHIR {@code AuditEvent} (JSON) to {@code audit.v1}, keyed
 * by {@link AuditRecord#key()}, with an idempotent {@code acks=all} producer; fails closed.
 *
 * <p>How a service uses it: {@link #admit()} before it does anything (cheap; throws {@link
 * AuditUnavailableException} while events cannot be delivered), then {@link #record} once the
 * answer is known and before it is sent; if either throws, the service answers 503 with {@code
 * Retry-After} instead of the data, so nothing is disclosed unrecorded.
 *
 * <p>Neither call blocks: {@link #record} puts the event in a bounded buffer ({@code max-pending})
 * that one sender thread empties into the producer (which may block while the broker is unknown);
 * an event stays pending until the broker acknowledged it, and one the producer gave up on is sent
 * again, so an outage loses nothing the buffer holds. The trail is <em>not delivering</em> while
 * the buffer is full or its oldest event has waited longer than {@code delivery-timeout}; then,
 * failing closed (the default), both calls throw and the health indicator is DOWN; failing open,
 * events that do not fit are dropped, counted and logged at WARN once a minute. An event sent again
 * after an ambiguous failure may reach the topic twice; the sink stores each id once.
 *
 * <p>Tracing: an event recorded with the trace headers of its request ({@link #record(AuditRecord,
 * List)}) carries them on {@code audit.v1}, so the audit record of a traced request names the
 * request's trace (docs/observability.md, "Tracing"); no span is made for the send itself.
 *
 * <p>Metrics: {@code vitalflow.audit.events{outcome=delivered|failed}} (failed: refused or dropped,
 * never delivered), {@code vitalflow.audit.pending}. Logs name counts, never records.
 */
public final class AuditTrail implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  /** What a refused client is told to wait. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);

  /**
   * How a trail delivers.
   *
   * @param topicPrefix prefix of the topic name (empty in production)
   * @param maxPending events buffered and not yet acknowledged, at most
   * @param deliveryTimeout how long the oldest pending event may wait for its acknowledgement
   *     before the trail counts as not delivering
   * @param failClosed whether calls fail while not delivering (else events that do not fit are
   *     dropped)
   */
  public record Options(
      String topicPrefix, int maxPending, Duration deliveryTimeout, boolean failClosed) {

    public Options {
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      if (maxPending < 1) {
        throw new IllegalArgumentException("vitalflow.audit.max-pending must be >= 1");
      }
      if (deliveryTimeout.compareTo(Duration.ofMillis(500)) < 0) {
        throw new IllegalArgumentException("vitalflow.audit.delivery-timeout must be >= 500ms");
      }
    }

    /** 10,000 events, 10 s, failing closed, no prefix. */
    public static Options defaults() {
      return new Options("", 10_000, Duration.ofSeconds(10), true);
    }

    public Options withTopicPrefix(String prefix) {
      return new Options(prefix, maxPending, deliveryTimeout, failClosed);
    }

    public Options withMaxPending(int max) {
      return new Options(topicPrefix, max, deliveryTimeout, failClosed);
    }

    public Options withDeliveryTimeout(Duration timeout) {
      return new Options(topicPrefix, maxPending, timeout, failClosed);
    }

    public Options withFailClosed(boolean closed) {
      return new Options(topicPrefix, maxPending, deliveryTimeout, closed);
    }
  }

  /** An event on its way: admitted at {@code admitted} (nanoTime), JSON made on first send. */
  private static final class Pending {
    final long admitted;
    final AuditRecord record;
    final List<Header> trace;
    byte[] json;

    /** Set once, by the producer's callback; a retried event is acknowledged once. */
    final AtomicBoolean acknowledged = new AtomicBoolean();

    Pending(long admitted, AuditRecord record, List<Header> trace) {
      this.admitted = admitted;
      this.record = record;
      this.trace = trace;
    }
  }

  private final boolean enabled;
  private final Options options;
  private final String topic;
  private final KafkaClients kafka;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();

  /**
   * Every event in the order it was admitted, until it is acknowledged and no older one is left
   * before it: the head is the oldest event not yet acknowledged (those after it may be). Adding is
   * one compare-and-set on the request's thread (a sorted map of sequence numbers cost the request
   * thread more than all the rest of recording an event, JFR); acknowledgements trim the head.
   */
  private final ConcurrentLinkedQueue<Pending> admitted = new ConcurrentLinkedQueue<>();

  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean delivering = new AtomicBoolean(true);
  private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY);
  private final Counter delivered;
  private final Counter failed;
  private final Thread sender;
  private Producer<String, byte[]> producer;

  private AuditTrail(boolean enabled, KafkaClients kafka, Options options, MeterRegistry meters) {
    this.enabled = enabled;
    this.kafka = kafka;
    this.options = options;
    this.topic = options.topicPrefix() + Topics.AUDIT.name();
    this.delivered = meters.counter("vitalflow.audit.events", "outcome", "delivered");
    this.failed = meters.counter("vitalflow.audit.events", "outcome", "failed");
    Gauge.builder("vitalflow.audit.pending", pending, AtomicInteger::get)
        .description("audit events buffered and not yet acknowledged by Kafka")
        .register(meters);
    if (enabled) {
      this.producer = newProducer();
      this.sender = new Thread(this::sendLoop, "audit-sender");
      sender.setDaemon(true);
      sender.start();
    } else {
      this.sender = null;
    }
  }

  /** A trail that produces to {@code <prefix>audit.v1} with the service's Kafka settings. */
  public static AuditTrail create(KafkaClients kafka, Options options, MeterRegistry meters) {
    return new AuditTrail(true, kafka, options, meters);
  }

  /** A trail that records nothing and never refuses ({@code vitalflow.audit.enabled=false}). */
  public static AuditTrail disabled(MeterRegistry meters) {
    return new AuditTrail(false, null, Options.defaults().withFailClosed(false), meters);
  }

  /**
   * Throws while the trail fails closed and cannot deliver; returns at once otherwise.
   *
   * @throws AuditUnavailableException answer 503 with its {@code Retry-After}
   */
  public void admit() {
    if (enabled && options.failClosed() && !delivering()) {
      throw unavailable();
    }
  }

  /**
   * Buffers the event for delivery; never blocks.
   *
   * @throws AuditUnavailableException failing closed while not delivering: the event is not kept
   *     (counted as failed) and the caller must not send its answer
   */
  public void record(AuditRecord record) {
    record(record, List.of());
  }

  /**
   * {@link #record(AuditRecord)}, the event's record carrying {@code trace} (the request's trace
   * context as record headers, {@code RecordTracing#headersOf}; empty when it is not traced).
   *
   * @throws AuditUnavailableException as {@link #record(AuditRecord)}
   */
  public void record(AuditRecord record, List<Header> trace) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(trace, "trace");
    if (!enabled) {
      return;
    }
    if (options.failClosed() && !delivering()) {
      failed.increment();
      throw unavailable();
    }
    // the bound holds under concurrent callers: take the place first, give it back if there is none
    if (pending.incrementAndGet() > options.maxPending()) {
      pending.decrementAndGet();
      failed.increment();
      if (options.failClosed()) {
        throw unavailable();
      }
      warn("buffer full, dropping audit events (vitalflow.audit.fail-closed=false)");
      return;
    }
    long now = System.nanoTime();
    Pending event = new Pending(now, record, trace);
    admitted.offer(event);
    queue.offerLast(event);
  }

  /** False while the buffer is full or the oldest pending event is past the delivery deadline. */
  public boolean delivering() {
    boolean now =
        pending.get() < options.maxPending()
            && oldestPending().compareTo(options.deliveryTimeout()) <= 0;
    if (now != delivering.get() && delivering.compareAndSet(!now, now)) {
      if (now) {
        log.info("Audit events are delivered to {} again ({} pending)", topic, pending.get());
      } else {
        warn("not delivering");
      }
    }
    return now;
  }

  /** Events buffered and not yet acknowledged. */
  public int pending() {
    return pending.get();
  }

  /** How long the oldest pending event has waited; zero when none. */
  public Duration oldestPending() {
    Pending oldest = oldestUnacknowledged();
    return oldest == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - oldest.admitted);
  }

  public boolean enabled() {
    return enabled;
  }

  public Options options() {
    return options;
  }

  /** Sends what is buffered for up to 5 s more, then stops; events still pending are lost. */
  @Override
  public void close() {
    if (!enabled || !running.compareAndSet(true, false)) {
      return;
    }
    try {
      sender.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.interrupt();
    synchronized (this) {
      producer.close(Duration.ofSeconds(5));
    }
    if (pending.get() > 0) {
      log.warn("Audit trail closed with {} events not delivered to {}", pending.get(), topic);
    }
  }

  private AuditUnavailableException unavailable() {
    warn("refusing requests");
    return new AuditUnavailableException(
        "audit events cannot be delivered ("
            + pending.get()
            + " pending, oldest "
            + oldestPending().toSeconds()
            + " s); the request was not served",
        RETRY_AFTER);
  }

  private void warn(String what) {
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last >= WARN_EVERY && lastWarn.compareAndSet(last, now)) {
      log.warn(
          "Audit trail on {} {}: {} events pending (max {}), oldest {} s (deadline {} s), {} failed so far",
          topic,
          what,
          pending.get(),
          options.maxPending(),
          oldestPending().toSeconds(),
          options.deliveryTimeout().toSeconds(),
          (long) failed.count());
    }
  }

  /**
   * How long the sender waits between rounds while events keep coming: it then takes what arrived
   * meanwhile in one round, instead of being woken by every request that records one (a wake-up per
   * event is a system call on the request's thread). Far below the producer's linger.
   */
  private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private void sendLoop() {
    boolean busy = false;
    while (running.get() || (!queue.isEmpty() && !Thread.currentThread().isInterrupted())) {
      Pending event;
      try {
        if (busy) {
          // events came in the last round: let the next ones gather (nobody waits on the queue,
          // so recording one costs no wake-up)
          TimeUnit.NANOSECONDS.sleep(ROUND_NANOS);
          event = queue.pollFirst();
        } else {
          event = queue.pollFirst(100, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        return;
      }
      busy = event != null;
      if (event == null) {
        continue;
      }
      if (!sendRound(event)) {
        busy = false;
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /**
   * Sends {@code first} and what else is queued now; false when the producer could not take one (it
   * is back at the head of the queue).
   */
  private boolean sendRound(Pending first) {
    for (Pending event = first; event != null; event = queue.pollFirst()) {
      try {
        send(event);
      } catch (RuntimeException e) {
        // the producer could not take it (broker unknown past max.block.ms, or a fatal state)
        queue.offerFirst(event);
        log.debug("Audit send failed: {}", Failures.describe(e));
        if (!(e instanceof org.apache.kafka.common.errors.TimeoutException)) {
          renewProducer();
        }
        return false;
      }
    }
    return true;
  }

  private void send(Pending event) {
    if (event.json == null) {
      event.json = AuditEvents.toJsonBytes(event.record);
    }
    Producer<String, byte[]> current;
    synchronized (this) {
      current = producer;
    }
    current.send(
        new ProducerRecord<>(topic, null, event.record.key(), event.json, event.trace),
        (metadata, error) -> {
          if (error == null) {
            acknowledged(event);
          } else if (error instanceof RecordTooLargeException
              || error instanceof SerializationException) {
            acknowledged(event);
            failed.increment();
            log.warn(
                "Audit event dropped: Kafka will never take it ({})", Failures.describe(error));
          } else {
            log.debug("Audit event not acknowledged, sending again: {}", Failures.describe(error));
            if (running.get()) {
              queue.offerLast(event);
            }
          }
        });
  }

  private void acknowledged(Pending event) {
    if (event.acknowledged.compareAndSet(false, true)) {
      pending.decrementAndGet();
      delivered.increment();
      trimAcknowledged();
    }
  }

  /**
   * Removes the acknowledged events at the head of {@link #admitted}; the producer's callback does
   * it after each acknowledgement, so readers find the oldest unacknowledged event at once.
   */
  private void trimAcknowledged() {
    synchronized (admitted) {
      Pending head;
      while ((head = admitted.peek()) != null && head.acknowledged.get()) {
        admitted.poll();
      }
    }
  }

  /** The oldest admitted event not yet acknowledged; null when none. */
  private Pending oldestUnacknowledged() {
    for (Pending event : admitted) {
      if (!event.acknowledged.get()) {
        return event;
      }
    }
    return null;
  }

  private synchronized void renewProducer() {
    try {
      producer.close(Duration.ZERO);
    } catch (KafkaException e) {
      log.debug("Audit producer close failed", e);
    }
    producer = newProducer();
  }

  private Producer<String, byte[]> newProducer() {
    return new KafkaProducer<>(
        producerConfig(kafka, options), new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * How long the producer waits to fill a batch. Nobody waits for an audit event's acknowledgement
   * (the answer goes out once the event is buffered), so batches may fill for longer than a request
   * producer's would: one produce request then carries a few hundred events instead of a few, which
   * is what the broker's (and the sink's) CPU per event depends on. The {@code delivery-timeout}
   * deadline is seconds, far above it.
   */
  static final int LINGER_MS = 25;

  /**
   * Bytes per partition batch: an event is about 1 KB of JSON, so a batch holds the events of one
   * linger at several thousand requests per second (compressed on the wire with lz4).
   */
  static final int BATCH_BYTES = 256 * 1024;

  /**
   * VitalFlow's tuning, the operator's {@code spring.kafka.*} over it, and {@code acks=all} with
   * idempotence over both.
   */
  static Map<String, Object> producerConfig(KafkaClients kafka, Options options) {
    long deadline = options.deliveryTimeout().toMillis();
    long linger = LINGER_MS;
    Map<String, Object> tuning = new HashMap<>();
    tuning.put(ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-audit");
    tuning.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger);
    tuning.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    tuning.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // the key (the first patient) travels with each event, but does not choose its partition:
    // nothing
    // reads audit.v1 in key order (the sink stores by id, searches order by time), and events
    // spread
    // by key over every partition made a linger's events six small batches, each compressed with
    // fresh 64 KB lz4 buffers (36 KB allocated per event at 1,400 events/s, JFR) and appended by
    // the
    // broker on its own. Sticky partitioning fills one batch per linger instead.
    tuning.put(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, true);
    tuning.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deadline);
    tuning.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deadline - linger));
    tuning.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(5_000, deadline));
    tuning.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    Map<String, Object> config = kafka.producer(tuning);
    // an audit event is the only record of an access: on every in-sync replica, once per send
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }
}
