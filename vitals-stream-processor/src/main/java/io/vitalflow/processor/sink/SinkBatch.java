package io.vitalflow.processor.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;

/**
 * What one sink transaction writes: raw readings, the newest state of each touched window, and the next
 * offset of every partition the rows came from.
 */
final class SinkBatch {

  record WindowKey(String patientId, String code, long windowStartMillis) {
  }

  private final List<VitalSign> readings = new ArrayList<>();
  private final Map<WindowKey, VitalAggregate> minute = new LinkedHashMap<>();
  private final Map<WindowKey, VitalAggregate> hour = new LinkedHashMap<>();
  private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
  private int records;

  void addReading(VitalSign reading) {
    readings.add(reading);
  }

  /** Later updates of a window replace earlier ones: the topic carries every update, the last one wins. */
  void addMinute(VitalAggregate aggregate) {
    minute.put(keyOf(aggregate), aggregate);
  }

  void addHour(VitalAggregate aggregate) {
    hour.put(keyOf(aggregate), aggregate);
  }

  void consumed(TopicPartition partition, long offset) {
    nextOffsets.put(partition, offset + 1);
    records++;
  }

  List<VitalSign> readings() {
    return readings;
  }

  Iterable<VitalAggregate> minuteAggregates() {
    return minute.values();
  }

  Iterable<VitalAggregate> hourAggregates() {
    return hour.values();
  }

  Map<TopicPartition, Long> nextOffsets() {
    return nextOffsets;
  }

  int records() {
    return records;
  }

  boolean isEmpty() {
    return records == 0;
  }

  void clear() {
    readings.clear();
    minute.clear();
    hour.clear();
    nextOffsets.clear();
    records = 0;
  }

  private static WindowKey keyOf(VitalAggregate aggregate) {
    return new WindowKey(aggregate.getPatientId(), aggregate.getCode(), aggregate.getWindowStart().toEpochMilli());
  }
}
