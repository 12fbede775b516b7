package io.vitalflow.loadgen.engine;

import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * What a scenario does in one iteration; the load model decides when iterations start and measures
 * them. An implementation must not block: it starts the request and returns the stage that
 * completes when the answer is in (or failed). It must never complete exceptionally: failures are
 * {@link Outcome#failed} outcomes.
 */
@FunctionalInterface
public interface Workload {

  /**
   * Starts one iteration.
   *
   * @param user the virtual user (closed model) or a slot number (open model); state kept per user,
   *     such as the ids it created, is only touched by one iteration of that user at a time in the
   *     closed model
   * @param random a generator for this iteration, to be used on the calling thread only
   */
  CompletionStage<Outcome> start(int user, RandomGenerator random);
}
