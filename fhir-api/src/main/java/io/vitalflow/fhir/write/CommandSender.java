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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import reactor.core.publisher.Mono;

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
 * <p>Tracing: a single write whose HTTP request is sampled is sent in a producer span under the
 * request's span, whose context the command record carries to the command processor ({@link
 * RecordTracing}). A transaction Bundle's commands are not traced.
 */
public final class CommandSender implements AutoCloseable {

  private final KafkaProducer<String, FhirCommand> producer;
  private final String topic;
  private final RecordTracing tracing;
  private final Properties transactionalConfig;
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
   * Sends all commands in one Kafka transaction: the command processor (read_committed) sees all of
   * them or none. Blocking; transactions of this instance are serialised.
   */
  public synchronized void sendAll(List<FhirCommand> commands) {
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
                topic, command.getResourceType() + "/" + command.getResourceId(), command));
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
