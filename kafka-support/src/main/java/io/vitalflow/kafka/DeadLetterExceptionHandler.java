package io.vitalflow.kafka;

import io.vitalflow.schemas.DeadLetter;
import io.vitalflow.schemas.Topic;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net of every Kafka Streams application: a record whose processing or decoding throws a
 * deterministic error (anything but Kafka's, I/O or state-store exceptions, which are retried by
 * replacing the stream thread) goes to the dead-letter topic of its source topic with the reason
 * and source offset in the headers, and processing continues. Without it, such a record kills its
 * stream thread, the replacement reads the same record, and the partition is stuck for good. Kafka
 * Streams counts the skipped records in its task metric {@code dropped-records} ({@code
 * kafka_stream_task_dropped_records_total}).
 *
 * <p>Topologies still handle the failures they expect themselves (decoding, contract checks); this
 * catches what nobody expected. Dead letters are sent outside the Streams transaction, so a retried
 * task may send one twice. Only catalogue topics (ending in {@code .v1}) have dead-letter topics; a
 * failure on an internal topic is logged and counted.
 */
public final class DeadLetterExceptionHandler
    implements ProcessingExceptionHandler, DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

  private KafkaClients clients;
  private String applicationId;

  /**
   * The dead-letter producer gets the client settings (address, TLS, SASL) of the Streams
   * application.
   */
  @Override
  public void configure(Map<String, ?> configs) {
    clients = KafkaClients.ofStreamsConfig(configs);
    applicationId = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Override
  public ProcessingHandlerResponse handle(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (retryable(exception)) {
      return ProcessingHandlerResponse.FAIL;
    }
    setAside(context, exception, "processing in " + context.processorNodeId());
    return ProcessingHandlerResponse.CONTINUE;
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    setAside(context, exception, "decoding");
    return DeserializationHandlerResponse.CONTINUE;
  }

  /**
   * Kafka's own, I/O and state failures depend on the moment, not on the record: let the thread be
   * replaced.
   */
  static boolean retryable(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof KafkaException || t instanceof IOException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void setAside(ErrorHandlerContext context, Exception exception, String step) {
    String source = DeadLetter.source(context.topic(), context.partition(), context.offset());
    String reason = step + " failed: " + Failures.describe(exception);
    log.warn("Streams application {} set aside {}: {}", applicationId, source, reason);
    log.debug("Streams failure at {}", source, exception);
    if (context.topic() == null
        || !context.topic().endsWith(".v1")
        || context.sourceRawValue() == null) {
      return;
    }
    Headers headers = DeadLetter.headers(new Header[0], reason, source, applicationId);
    try {
      DeadLetterProducer.of(clients)
          .send(
              new ProducerRecord<>(
                  Topic.deadLetterName(context.topic()),
                  null,
                  context.sourceRawKey(),
                  context.sourceRawValue(),
                  headers))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while sending a dead letter", e);
    } catch (ExecutionException | TimeoutException e) {
      // not acknowledged: fail so that the record is processed (and set aside) again
      throw new KafkaException("dead letter for " + source + " not acknowledged", e);
    }
  }
}
