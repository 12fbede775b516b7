package io.vitalflow.loadgen.cli;

import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The picocli settings every VitalFlow command line shares, and its errors as one line: an unknown
 * flag is named with the flags the command knows, so a typo never runs with a default instead.
 */
public final class Cli {

  private Cli() {}

  /**
   * A command line for {@code command}: flags written {@code --name=value} (or {@code --name
   * value}), a flag given twice keeps its last value, and no abbreviations.
   */
  public static CommandLine of(Object command) {
    return configure(new CommandLine(command));
  }

  /** Applies the shared settings to {@code line} and its subcommands. */
  public static CommandLine configure(CommandLine line) {
    line.setOverwrittenOptionsAllowed(true);
    return line;
  }

  /**
   * Parses {@code args} into {@code command}'s fields; a bad flag is an {@link
   * IllegalArgumentException} with the one-line message of {@link #message}.
   */
  public static <T> T parse(T command, String... args) {
    try {
      of(command).parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(message(e), e);
    }
    return command;
  }

  /**
   * One line for a parse error: {@code unknown flag --x (known: --a, --b)} or picocli's own
   * message.
   */
  public static String message(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String arg = unmatched.getUnmatched().get(0);
      if (arg.startsWith("-")) {
        int equals = arg.indexOf('=');
        return "unknown flag "
            + (equals < 0 ? arg : arg.substring(0, equals))
            + " (known: "
            + known(e.getCommandLine().getCommandSpec())
            + ")";
      }
      return "unexpected argument '" + arg + "' (flags are written --name=value)";
    }
    return e.getMessage();
  }

  /** The command's flags, sorted, without the help flag. */
  public static String known(CommandSpec spec) {
    TreeSet<String> names = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && !option.hidden()) {
        names.add(option.longestName());
      }
    }
    return String.join(", ", names);
  }
}
