package io.vitalflow.loadgen.abuse;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one socket attack saw of the server.
 *
 * @param name the attack's name in the report ({@code slowloris})
 * @param opened connections that were established
 * @param peakOpen the most of them open at once
 * @param connectFailures connection attempts that failed, by kind ({@code connection refused},
 *     {@code timeout}, {@code generator out of file descriptors})
 * @param endings how the server ended connections: {@code HTTP 408} (it answered), {@code closed
 *     without an answer}, {@code reset}
 * @param endedAfterMillis for each connection the server ended: milliseconds from connect to its
 *     answer or close
 * @param released connections this generator closed itself (the flood's release, the end of the
 *     run)
 * @param openAtEndMillis for each connection still open when the attacks stopped: how long it had
 *     been open
 * @param bytesSent bytes this attack wrote
 */
public record AttackResult(
    String name,
    long opened,
    long peakOpen,
    Map<String, Long> connectFailures,
    Map<String, Long> endings,
    Histogram endedAfterMillis,
    long released,
    Histogram openAtEndMillis,
    long bytesSent) {

  public AttackResult {
    connectFailures = Map.copyOf(connectFailures);
    endings = Map.copyOf(endings);
  }

  /** Connections the server ended. */
  public long endedByServer() {
    return endedAfterMillis.getTotalCount();
  }

  /**
   * Connections the server kept longer than {@code limit}: ended after it, or still open at the end
   * and older than it. A connection younger than the limit at the end counts as neither (the run
   * was too short to tell).
   */
  public long keptLongerThan(Duration limit) {
    long millis = limit.toMillis();
    return above(endedAfterMillis, millis) + above(openAtEndMillis, millis);
  }

  /** Connections still open at the end that were younger than {@code limit}: undecided. */
  public long undecided(Duration limit) {
    return openAtEndMillis.getTotalCount() - above(openAtEndMillis, limit.toMillis());
  }

  private static long above(Histogram histogram, long millis) {
    if (histogram.getTotalCount() == 0 || histogram.getMaxValue() <= millis) {
      return 0;
    }
    return histogram.getCountBetweenValues(
        histogram.highestEquivalentValue(millis) + 1, histogram.getMaxValue());
  }
}
