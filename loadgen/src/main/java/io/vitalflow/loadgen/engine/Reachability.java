package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.engine.HttpLoadClient.Answer;
import java.net.URI;
import java.util.concurrent.ExecutionException;

/**
 * The checks before a run: a base URL answers at all, a resource is there. Failures are one-line
 * exceptions.
 */
public final class Reachability {

  private Reachability() {}

  /**
   * Any HTTP answer to {@code probe} counts; no answer (refused, timeout) is a {@link
   * ScenarioException}.
   */
  public static Answer check(HttpLoadClient client, String flag, URI base, URI probe)
      throws ScenarioException, InterruptedException {
    try {
      return client.get(probe, "application/json").get();
    } catch (ExecutionException e) {
      throw new ScenarioException(
          "cannot reach " + flag + " " + base + ": " + HttpLoadClient.failureKind(e));
    }
  }
}
