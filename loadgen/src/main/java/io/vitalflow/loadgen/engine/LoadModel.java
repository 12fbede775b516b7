package io.vitalflow.loadgen.engine;

/**
 * When iterations start.
 *
 * <ul>
 *   <li>{@link Closed}: k6's virtual users. Each user starts an iteration, waits for its outcome,
 *       thinks, and goes on; the number of users follows the stages. Latency runs from start to
 *       outcome. A slow server lowers the offered load, so throughput and latency must be read
 *       together.
 *   <li>{@link Open}: a constant (or staged) arrival rate, independent of the answers. Latency runs
 *       from each iteration's intended start, so queueing in front of a stalled server is counted
 *       (no coordinated omission). At most {@code maxInFlight} iterations are outstanding; arrivals
 *       beyond that wait, and their wait counts.
 * </ul>
 */
public sealed interface LoadModel {

  /** Virtual users ramped by {@code stages}, each pausing {@code think} between iterations. */
  record Closed(Stages stages, Think think) implements LoadModel {}

  /**
   * Arrivals per second ramped by {@code rates} (stage targets are rates), at most {@code
   * maxInFlight} open.
   */
  record Open(Stages rates, int maxInFlight) implements LoadModel {}
}
