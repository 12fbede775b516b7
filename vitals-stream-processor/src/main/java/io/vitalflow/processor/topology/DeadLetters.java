package io.vitalflow.processor.topology;

import io.vitalflow.schemas.DeadLetter;
import io.vitalflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an unusable raw record into its dead letter: the original key and value bytes, the original
 * headers, plus {@value Topics#DLQ_HEADER_ERROR} (why) and {@value Topics#DLQ_HEADER_SOURCE}
 * ({@code topic-partition@offset}, where it came from). The dead letter is stamped with the
 * wall-clock time it was written, so topic retention keeps it for the full period whatever the
 * original timestamp was.
 */
final class DeadLetters implements FixedKeyProcessor<byte[], DecodedVital, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private FixedKeyProcessorContext<byte[], byte[]> context;

  /** Why this raw record cannot be processed, or {@code null} when it can. */
  static String problem(byte[] key, DecodedVital value) {
    if (!value.isValid()) {
      return value.error();
    }
    byte[] patient = value.vital().getPatientId().getBytes(StandardCharsets.UTF_8);
    if (key == null || !Arrays.equals(key, patient)) {
      return "record key is not the patientId of the reading: the topic must be keyed by patient";
    }
    return null;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], DecodedVital> record) {
    String error = problem(record.key(), record.value());
    String source = context.recordMetadata().map(DeadLetters::source).orElse("unknown");
    log.warn("Dead-lettering raw reading from {}: {}", source, error);
    Headers headers = DeadLetter.headers(record.headers().toArray(), error, source);
    context.forward(
        record
            .withValue(record.value().raw())
            .withHeaders(headers)
            .withTimestamp(context.currentSystemTimeMs()));
  }

  private static String source(RecordMetadata m) {
    return DeadLetter.source(m.topic(), m.partition(), m.offset());
  }
}
