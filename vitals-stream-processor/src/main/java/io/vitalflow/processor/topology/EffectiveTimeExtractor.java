package io.vitalflow.processor.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the reading's effective time. A record that is not a valid reading keeps the
 * partition's current stream time (or 0 before the first record), so a poison pill with a strange
 * producer timestamp can neither close windows early nor be dropped for a negative timestamp: it
 * must reach the dead-letter topic.
 */
final class EffectiveTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof DecodedVital decoded && decoded.isValid()) {
      return decoded.vital().getEffectiveTime().toEpochMilli();
    }
    return Math.max(partitionTime, 0L);
  }
}
