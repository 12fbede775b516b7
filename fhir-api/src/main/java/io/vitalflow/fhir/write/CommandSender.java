package io.vitalflow.fhir.write;

import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.vitalflow.kafka.KafkaClients;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends commands to {@code fhir.commands.v1}, keyed {@code Type/id}, acknowledged by all in-sync
 * replicas.
 *
 * <p>Why {@code KafkaProducer}s and not spring-kafka's {@code KafkaTemplate}: a transaction
 * Bundle's commands go out in one Kafka transaction of a producer made for that purpose and closed
 * with this sender, beside the plain idempotent producer of single writes; both are a few lines
 * here, and their settings come from {@code spring.kafka.*} ({@link KafkaClients}) as a template's
 * factory would build them.
 *
 * <p>Tracing: a write whose HTTP request is sampled is sent in a producer span under the request's
 * span, whose context the command record carries to the command processor ({@link RecordTracing});
 * a transaction Bundle's commands share one producer span, so each command's decision is a child of
 * it.
 */
public final class CommandSender implements AutoCloseable {

  /** How far before a command's receipt the search for it behind a fence starts (clock skew). */
  static final Duration FENCE_LOOKBACK = Duration.ofMinutes(1);

  private final KafkaProducer<String, FhirCommand> producer;
  private final String topic;
  private final RecordTracing tracing;
  private final Properties transactionalConfig;
  private final Properties readerConfig;
  private KafkaProducer<String, FhirCommand> transactional;

  public CommandSender(KafkaClients kafka, String topicPrefix, Duration deliveryTimeout) {
    this(kafka, topicPrefix, deliveryTimeout, RecordTracing.OFF);
  }

  public CommandSender(
      KafkaClients kafka, String topicPrefix, Duration deliveryTimeout, RecordTracing tracing) {
    this.tracing = tracing;
    Map<String, Object> tuning = new HashMap<>();
    tuning.put(ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-fhir-commands");
    tuning.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    tuning.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    tuning.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    tuning.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    tuning.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(deliveryTimeout.toMillis() - 1_000, 20_000));
    tuning.put(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(deliveryTimeout.toMillis(), 5_000));
    Properties p = new Properties();
    p.putAll(kafka.producer(tuning));
    // a command is answered only once every in-sync replica has it, exactly once
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(
            p,
            Topics.FHIR_COMMANDS.keySerde().serializer(),
            Topics.FHIR_COMMANDS.valueSerde().serializer());
    this.transactionalConfig = new Properties();
    transactionalConfig.putAll(p);
    transactionalConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "vitalflow-fhir-bundles");
    transactionalConfig.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vitalflow-fhir-bundles-" + UUID.randomUUID());
    this.topic = topicPrefix + Topics.FHIR_COMMANDS.name();
    Map<String, Object> reading = new HashMap<>();
    reading.put(ConsumerConfig.CLIENT_ID_CONFIG, "vitalflow-fhir-fence-reader");
    reading.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    reading.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    reading.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    this.readerConfig = new Properties();
    readerConfig.putAll(kafka.consumer(reading));
    readerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
  }

  /** Completes when the broker has the command (acks=all), or fails with the producer's error. */
  public Mono<Void> send(FhirCommand command) {
    String key = command.getResourceType() + "/" + command.getResourceId();
    return Mono.create(
        sink -> {
          Span span =
              tracing.startChild(
                  "fhir command publish",
                  Span.Kind.PRODUCER,
                  RecordTracing.spanOf(
                      sink.contextView().getOrDefault(ObservationThreadLocalAccessor.KEY, null)));
          try {
            producer.send(
                new ProducerRecord<>(topic, null, key, command, tracing.headersOf(span)),
                (metadata, error) -> {
                  if (error == null) {
                    span.end();
                    sink.success();
                  } else {
                    span.error(error);
                    span.end();
                    sink.error(error);
                  }
                });
          } catch (RuntimeException e) {
            span.error(e);
            span.end();
            sink.error(e);
          }
        });
  }

  /**
   * True when {@code failure} of {@link #send} leaves open whether the broker wrote the command: a
   * timeout, a lost connection, a leader that changed or a node that refused to authenticate while
   * it started can each come after an earlier attempt of the same batch was written. False for the
   * refusals that happen before anything is written (a record too large, a topic this client may
   * not write, a value that cannot be encoded).
   */
  public static boolean outcomeUnknown(Throwable failure) {
    return failure instanceof KafkaException
        && !(failure instanceof SerializationException
            || failure instanceof RecordTooLargeException
            || failure instanceof RecordBatchTooLargeException
            || failure instanceof InvalidTopicException
            || failure instanceof AuthorizationException);
  }

  /**
   * Whether {@code command}, whose {@link #send} failed with an unknown outcome, is in the log.
   *
   * <p>A fence (a record without a value, under the command's key, so on its partition) is sent by
   * the same idempotent producer until the broker acknowledges it: once it is written, the command
   * can no longer be written after it (the producer's later epoch fences an old attempt), so the
   * command is in the log before the fence or never. The partition is then read (read_committed)
   * from shortly before the command was received up to the fence. The command processor skips
   * fences.
   *
   * @return true or false; fails with {@link OutcomeUnknown} when no fence was acknowledged, or the
   *     partition could not be read up to it, within {@code within}
   */
  public Mono<Boolean> inLog(FhirCommand command, Duration within) {
    return Mono.fromCallable(() -> findBeforeFence(command, System.nanoTime() + within.toNanos()))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private boolean findBeforeFence(FhirCommand command, long deadline) {
    String key = command.getResourceType() + "/" + command.getResourceId();
    RecordMetadata fence = fence(key, deadline);
    TopicPartition partition = new TopicPartition(fence.topic(), fence.partition());
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(
            readerConfig, Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      reader.assign(List.of(partition));
      long since = command.getReceivedAt().minus(FENCE_LOOKBACK).toEpochMilli();
      OffsetAndTimestamp first =
          reader.offsetsForTimes(Map.of(partition, since), remaining(deadline)).get(partition);
      reader.seek(partition, first == null ? fence.offset() : first.offset());
      while (reader.position(partition, remaining(deadline)) < fence.offset()) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(remaining(deadline))) {
          if (record.offset() >= fence.offset()) {
            return false;
          }
          if (key.equals(record.key()) && sameRequest(command, record.value())) {
            return true;
          }
        }
        if (System.nanoTime() >= deadline) {
          throw new OutcomeUnknown("the command topic could not be read up to the fence in time");
        }
      }
      return false;
    } catch (KafkaException e) {
      // a timeout, or a client that could not be made: the command's fate stays unknown here
      throw new OutcomeUnknown(
          "the command topic could not be read up to the fence ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** Whether {@code value} is {@code command} (a record of another kind is not). */
  private static boolean sameRequest(FhirCommand command, byte[] value) {
    if (value == null) {
      return false;
    }
    try {
      return command
          .getRequestId()
          .equals(
              Topics.FHIR_COMMANDS
                  .valueSerde()
                  .deserializer()
                  .deserialize("", value)
                  .getRequestId());
    } catch (SerializationException undecodable) {
      return false; // dead-lettered by the command processor; not ours
    }
  }

  /** Sends a fence under {@code key} until the broker acknowledges one, or the deadline passes. */
  private RecordMetadata fence(String key, long deadline) {
    KafkaException last = null;
    while (System.nanoTime() < deadline) {
      try {
        // a value-less record: the processor skips it
        return producer
            .send(new ProducerRecord<>(topic, null, key, null))
            .get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        last = e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        pause(Duration.ofMillis(200), deadline);
      } catch (KafkaException e) {
        last = e;
        pause(Duration.ofMillis(200), deadline);
      } catch (java.util.concurrent.TimeoutException e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new OutcomeUnknown(
        "no fence could be written"
            + (last == null ? "" : " (" + last.getClass().getSimpleName() + ")"));
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static void pause(Duration pause, long deadline) {
    try {
      Thread.sleep(Math.min(pause.toMillis(), remaining(deadline).toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a write whose send failed is in the log could not be found out in time. */
  public static final class OutcomeUnknown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutcomeUnknown(String reason) {
      super("The outcome of the write is unknown: " + reason);
    }
  }

  /**
   * {@link #sendAll} on a thread that may block, in a producer span under the span of the request
   * whose Reactor context subscribes (the HTTP server observation's), when that one is sampled.
   */
  public Mono<Void> sendAllInTransaction(List<FhirCommand> commands) {
    return Mono.deferContextual(
        context -> {
          Span parent =
              RecordTracing.spanOf(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
          return Mono.<Void>fromRunnable(() -> sendAll(commands, parent))
              .subscribeOn(Schedulers.boundedElastic());
        });
  }

  /**
   * Sends all commands in one Kafka transaction: the command processor (read_committed) sees all of
   * them or none. Blocking; transactions of this instance are serialised.
   */
  public void sendAll(List<FhirCommand> commands) {
    sendAll(commands, Span.NOOP);
  }

  private synchronized void sendAll(List<FhirCommand> commands, Span parent) {
    Span span = tracing.startChild("fhir command publish", Span.Kind.PRODUCER, parent);
    span.tag("vitalflow.records", commands.size());
    try {
      sendAllTraced(commands, tracing.headersOf(span));
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  private void sendAllTraced(List<FhirCommand> commands, List<Header> trace) {
    if (transactional == null) {
      transactional =
          new KafkaProducer<>(
              transactionalConfig,
              Topics.FHIR_COMMANDS.keySerde().serializer(),
              Topics.FHIR_COMMANDS.valueSerde().serializer());
      transactional.initTransactions();
    }
    try {
      transactional.beginTransaction();
      for (FhirCommand command : commands) {
        transactional.send(
            new ProducerRecord<>(
                topic,
                null,
                command.getResourceType() + "/" + command.getResourceId(),
                command,
                trace));
      }
      transactional.commitTransaction();
    } catch (KafkaException e) {
      try {
        transactional.abortTransaction();
      } catch (KafkaException abortFailed) {
        transactional.close(Duration.ZERO);
        transactional = null;
      }
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    producer.close(Duration.ofSeconds(5));
    if (transactional != null) {
      transactional.close(Duration.ofSeconds(5));
    }
  }
}
