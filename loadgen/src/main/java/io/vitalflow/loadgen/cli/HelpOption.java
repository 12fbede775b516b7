package io.vitalflow.loadgen.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} for every command: picocli prints the generated usage and the command
 * exits 0.
 */
public final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
