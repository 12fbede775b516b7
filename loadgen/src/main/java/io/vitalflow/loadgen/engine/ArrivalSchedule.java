package io.vitalflow.loadgen.engine;

/**
 * The intended start times of an open model's arrivals, as nanoseconds since the start: the rate at
 * any moment follows the stages (targets are arrivals per second, ramped linearly), and each gap is
 * one over the rate at the previous arrival. A stretch at rate 0 is skipped in 1 ms steps. Not
 * thread-safe.
 */
public final class ArrivalSchedule {

  private static final long IDLE_STEP_NANOS = 1_000_000;

  private final Stages rates;
  private final long endNanos;
  private long last = -1;

  ArrivalSchedule(Stages rates) {
    this.rates = rates;
    this.endNanos = rates.total().toNanos();
  }

  /** The next arrival's intended start, or -1 once the stages are over. */
  long next() {
    long at = last < 0 ? 0 : last + Math.max(1, 1_000_000_000L / rates.targetAt(last));
    while (at < endNanos) {
      if (rates.targetAt(at) > 0) {
        last = at;
        return at;
      }
      at += IDLE_STEP_NANOS;
    }
    return -1;
  }
}
