package io.vitalflow.loadgen.cli;

import io.vitalflow.loadgen.engine.Ran;
import java.io.PrintStream;
import java.util.Map;

/**
 * A {@code loadgen} scenario as a picocli command: its fields hold the parsed flags; {@link #check}
 * turns them into the scenario's options (each bad value one {@link IllegalArgumentException}
 * naming the flag), {@link #run} runs it.
 */
public interface Scenario {

  /**
   * The scenario's options from its flags: each bad value one {@link IllegalArgumentException}
   * naming the flag.
   */
  Object options();

  /**
   * Checks the flags alone and together without running anything (the suite checks every scenario
   * first).
   */
  default void check() {
    options();
  }

  /**
   * Runs the scenario: the finished run, or {@code ScenarioException} when its target cannot be
   * used.
   */
  Ran run(PrintStream out) throws Exception;

  /**
   * Defaults of the shared flags ({@code --stages}, {@code --p99}, ...) that differ by scenario, by
   * flag name; read by {@link ScenarioDefaults} so that {@code --help} shows them.
   */
  default Map<String, String> defaults() {
    return Map.of();
  }
}
