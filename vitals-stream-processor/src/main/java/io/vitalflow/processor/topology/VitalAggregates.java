package io.vitalflow.processor.topology;

import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Instant;

/**
 * Folding readings into a window aggregate. The result does not depend on the order readings arrive
 * in: count, min and max are exact; sum (and so mean) up to floating-point rounding; {@code last}
 * is the value with the latest effective time, and among readings with the same effective time the
 * largest value, so no reading id needs to be stored. The mean is kept inside [min, max] even where
 * rounding would push it out.
 */
final class VitalAggregates {

  private VitalAggregates() {}

  /** A new aggregate: {@code current} (or nothing, if {@code null}) plus {@code reading}. */
  static VitalAggregate add(
      VitalAggregate current, VitalSign reading, Instant windowStart, Instant windowEnd) {
    double value = reading.getValue();
    Instant time = reading.getEffectiveTime();
    if (current == null) {
      return VitalAggregate.newBuilder()
          .setPatientId(reading.getPatientId())
          .setCode(reading.getCode())
          .setUnit(reading.getUnit())
          .setWindowStart(windowStart)
          .setWindowEnd(windowEnd)
          .setCount(1)
          .setMin(value)
          .setMax(value)
          .setSum(value)
          .setMean(value)
          .setLast(value)
          .setLastTime(time)
          .build();
    }
    long count = current.getCount() + 1;
    double min = Math.min(current.getMin(), value);
    double max = Math.max(current.getMax(), value);
    double sum = current.getSum() + value;
    boolean newer = isLater(time, value, current.getLastTime(), current.getLast());
    return VitalAggregate.newBuilder(current)
        .setCount(count)
        .setMin(min)
        .setMax(max)
        .setSum(sum)
        .setMean(Math.max(min, Math.min(max, sum / count)))
        .setLast(newer ? value : current.getLast())
        .setLastTime(newer ? time : current.getLastTime())
        .build();
  }

  /** Total order on (effective time, value): later wins, then larger. */
  static boolean isLater(Instant time, double value, Instant otherTime, double otherValue) {
    int byTime = time.compareTo(otherTime);
    return byTime > 0 || byTime == 0 && Double.compare(value, otherValue) > 0;
  }
}
