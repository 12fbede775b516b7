package io.vitalflow.storage.sink;

import java.time.Duration;

/**
 * How a {@link PostgresSink} is doing, for health checks: it makes no progress when a consumer has
 * been failing (the database refuses its transactions, the broker is unreachable) or has not come
 * back to poll for longer than the tolerance. A sink recovers on its own; its health follows.
 *
 * @param sink the sink's name
 * @param consumers consumer threads
 * @param failingFor how long the longest-failing consumer has failed without a successful
 *     transaction in between (zero when none fails)
 * @param sinceLastPoll the longest time any consumer has not polled (a consumer stuck in a call)
 * @param deadLetters records set aside since start
 */
public record SinkHealth(
    String sink, int consumers, Duration failingFor, Duration sinceLastPoll, long deadLetters) {

  /** Up unless a consumer has failed, or not polled, for longer than {@code tolerance}. */
  public boolean up(Duration tolerance) {
    return failingFor.compareTo(tolerance) <= 0 && sinceLastPoll.compareTo(tolerance) <= 0;
  }
}
