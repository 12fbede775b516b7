package io.vitalflow.loadgen.engine;

/**
 * A scenario cannot run against its target (unreachable, refused, not seeded): one line for the
 * command line, exit code 2; a suite reports it and goes on with the next scenario.
 */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;

  public ScenarioException(String message) {
    super(message);
  }
}
