package io.vitalflow.loadgen.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Pause of a virtual user between iterations: fixed ({@code 100ms}) or uniform in a range ({@code
 * 50ms-150ms}).
 */
public record Think(Duration min, Duration max) {

  public Think {
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "think range ends before it starts: " + min.toMillis() + "ms-" + max.toMillis() + "ms");
    }
  }

  public static Think parse(String text) {
    int dash = text.indexOf('-');
    if (dash < 0) {
      Duration fixed = FlagValues.duration("--think", text);
      return new Think(fixed, fixed);
    }
    return new Think(
        FlagValues.duration("--think", text.substring(0, dash)),
        FlagValues.duration("--think", text.substring(dash + 1)));
  }

  public long nanos(RandomGenerator random) {
    long low = min.toNanos();
    long high = max.toNanos();
    return low == high ? low : random.nextLong(low, high + 1);
  }

  @Override
  public String toString() {
    return min.equals(max) ? min.toMillis() + " ms" : min.toMillis() + "-" + max.toMillis() + " ms";
  }
}
