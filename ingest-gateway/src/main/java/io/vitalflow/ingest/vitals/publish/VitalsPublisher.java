package io.vitalflow.ingest.vitals.publish;

import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.vitalflow.ingest.IngestProperties;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Puts validated readings on {@code vitals.raw.v1}, keyed by patient id (one patient's readings
 * stay in order on one partition), with an idempotent {@code acks=all} producer. A batch's future
 * completes when the broker has acknowledged every reading of it, or fails on the first reading it
 * could not store. With security on, every record carries the sending client's id in the header
 * {@link Topics#HEADER_CLIENT}, so that every stored reading says which client sent it.
 *
 * <p>{@code KafkaProducer.send} blocks while the broker is unknown (up to {@code max.block.ms}) or
 * the buffer is full, so sending happens on a small dedicated scheduler, never on a Netty event
 * loop. Acknowledgements arrive on the producer's I/O thread; the returned {@link Mono} completes
 * on the parallel scheduler, so that writing the HTTP answer never slows that thread down.
 *
 * <p>Why a {@code KafkaProducer} and not spring-kafka's {@code KafkaTemplate}: the template
 * completes one {@code CompletableFuture<SendResult>} per record through its own callback wrapper,
 * while a request here needs one future for all its readings ({@link BatchAck}) that fails on the
 * first unacknowledged one and stops sending the rest, at the ingest benchmark's 50,000+ readings/s
 * (docs/benchmarks.md). The producer's settings come from {@code spring.kafka.*} as the template's
 * factory would build them ({@link #producerConfig}).
 *
 * <p>Tracing: when the HTTP request's span is sampled, a batch is sent in one producer span, child
 * of the request's span (found in the Reactor context), and every record of the batch carries that
 * span's context in its headers ({@link RecordTracing}), where the stream processor, the sink and
 * the dashboards continue the trace. Unsampled (the default), nothing is added.
 */
public final class VitalsPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VitalsPublisher.class);
  private static final long LINGER_MS = 5;

  /** Longest a send may block for metadata or buffer space: a dead broker is noticed this fast. */
  private static final long MAX_BLOCK_MS = 2_000;

  private final Producer<String, VitalSign> producer;
  private final String topic;
  private final Scheduler sender;
  private final RecordTracing tracing;

  /**
   * Whether the last batch was acknowledged: logs say when the broker goes away and comes back, not
   * every time.
   */
  private final AtomicBoolean acknowledging = new AtomicBoolean(true);

  VitalsPublisher(Producer<String, VitalSign> producer, String topic) {
    this(producer, topic, RecordTracing.OFF);
  }

  VitalsPublisher(Producer<String, VitalSign> producer, String topic, RecordTracing tracing) {
    this.producer = producer;
    this.topic = topic;
    this.tracing = tracing;
    this.sender = Schedulers.newBoundedElastic(4, 10_000, "vitals-send", 60, true);
  }

  static VitalsPublisher create(
      IngestProperties properties, KafkaProperties kafka, RecordTracing tracing) {
    KafkaProducer<String, VitalSign> producer =
        new KafkaProducer<>(
            producerConfig(properties, kafka),
            Topics.VITALS_RAW.keySerde().serializer(),
            Topics.VITALS_RAW.valueSerde().serializer());
    return new VitalsPublisher(
        producer, properties.topicPrefix() + Topics.VITALS_RAW.name(), tracing);
  }

  /**
   * Our tuning, the operator's {@code spring.kafka.*} producer settings (address, TLS, SASL,
   * properties) over it, and {@code acks=all} with idempotence over both: a 200 means every reading
   * is stored once on every in-sync replica.
   */
  static Map<String, Object> producerConfig(IngestProperties properties, KafkaProperties kafka) {
    long deliveryTimeout = properties.deliveryTimeout().toMillis();
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-ingest");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(MAX_BLOCK_MS, deliveryTimeout));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    kafka
        .buildProducerProperties()
        .forEach(
            (key, value) -> {
              if (value != null) {
                config.put(key, value);
              }
            });
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // delivery.timeout.ms must be >= linger.ms + request.timeout.ms, whatever linger the operator
    // chose
    long linger = Long.parseLong(String.valueOf(config.get(ProducerConfig.LINGER_MS_CONFIG)));
    config.putIfAbsent(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, deliveryTimeout - linger));
    return config;
  }

  /** Whether the last batch was acknowledged by Kafka (true until a batch fails). */
  boolean acknowledging() {
    return acknowledging.get();
  }

  /**
   * The broker says writes can succeed again although no batch has since (the health check, {@link
   * TopicWritability}): acknowledging until the next batch says otherwise.
   */
  void writableAgain() {
    if (acknowledging.compareAndSet(false, true)) {
      log.info("Kafka has in-sync leaders for every partition of {} again", topic);
    }
  }

  /** The readings topic's name. */
  String topic() {
    return topic;
  }

  /**
   * Sends the readings; the Mono completes when the broker has acknowledged all of them.
   *
   * @param clientId the authenticated client that sent them, put in the header {@link
   *     Topics#HEADER_CLIENT} of every record; null with security off (no header)
   */
  public Mono<Void> publish(List<VitalSign> readings, String clientId) {
    return Mono.deferContextual(
        context -> {
          Span span =
              tracing.startChild(
                  "vitals publish",
                  Span.Kind.PRODUCER,
                  RecordTracing.spanOf(
                      context.getOrDefault(ObservationThreadLocalAccessor.KEY, null)));
          if (span.isNoop()) {
            return acknowledged(readings, clientId, List.of());
          }
          span.tag("messaging.destination.name", topic).tag("vitalflow.records", readings.size());
          return acknowledged(readings, clientId, tracing.headersOf(span))
              .doOnError(span::error)
              .doFinally(signal -> span.end());
        });
  }

  private Mono<Void> acknowledged(List<VitalSign> readings, String clientId, List<Header> trace) {
    return Mono.fromFuture(() -> send(readings, clientId, trace), true)
        .subscribeOn(sender)
        // acknowledgements complete on the producer's single I/O thread: leave it at once
        .publishOn(Schedulers.parallel())
        .doOnSuccess(
            done -> {
              if (acknowledging.compareAndSet(false, true)) {
                log.info("Kafka acknowledges readings on {} again", topic);
              }
            })
        .doOnError(
            e -> {
              if (acknowledging.compareAndSet(true, false)) {
                log.warn(
                    "Kafka does not acknowledge readings on {}; answering 503 until it does: {}",
                    topic,
                    e.toString());
              } else {
                log.debug("Kafka still does not acknowledge readings: {}", e.toString());
              }
            });
  }

  /**
   * Sends on the calling thread (which may block up to {@code max.block.ms}); future of the
   * acknowledgement.
   */
  CompletableFuture<Void> send(List<VitalSign> readings, String clientId) {
    return send(readings, clientId, List.of());
  }

  /**
   * As {@link #send(List, String)}, every record also carrying {@code trace} (the producer span's
   * context; empty when not traced).
   */
  CompletableFuture<Void> send(List<VitalSign> readings, String clientId, List<Header> trace) {
    BatchAck ack = new BatchAck(readings.size());
    // one immutable list of headers for the whole batch; each record copies it into its own headers
    List<Header> headers = trace;
    if (clientId != null) {
      List<Header> all = new ArrayList<>(trace);
      all.add(new RecordHeader(Topics.HEADER_CLIENT, clientId.getBytes(StandardCharsets.UTF_8)));
      headers = List.copyOf(all);
    }
    for (VitalSign reading : readings) {
      if (ack.isDone()) {
        break; // one reading failed: the request fails, no point in sending the rest
      }
      try {
        producer.send(
            new ProducerRecord<>(topic, null, reading.getPatientId(), reading, headers), ack);
      } catch (RuntimeException e) {
        ack.completeExceptionally(e);
      }
    }
    return ack;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    sender.dispose();
  }

  /** Completes when every reading of a batch is acknowledged; fails on the first failed one. */
  private static final class BatchAck extends CompletableFuture<Void> implements Callback {

    private final AtomicInteger pending;

    BatchAck(int readings) {
      pending = new AtomicInteger(readings);
      if (readings == 0) {
        complete(null);
      }
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        completeExceptionally(exception);
      } else if (pending.decrementAndGet() == 0) {
        complete(null);
      }
    }
  }
}
