package io.vitalflow.loadgen;

import java.nio.file.Path;

import io.vitalflow.loadgen.report.RunReport;

/**
 * A finished scenario run as the command line sees it: its report, where the report goes, and whether the run met
 * its goals (exit code 0) or not (1).
 */
public record Ran(RunReport report, Path reportDir, boolean passed) {

  /** A scenario as a command: flags in, a finished run out. Bad flags throw {@link IllegalArgumentException}. */
  @FunctionalInterface
  public interface Command {
    Ran run(java.util.Map<String, String> flags, java.io.PrintStream out) throws Exception;
  }
}
