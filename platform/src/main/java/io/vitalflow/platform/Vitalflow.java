package io.vitalflow.platform;

import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.platform.cluster.ClusterCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./vitalflow COMMAND}: one picocli command tree for everything the script runs, {@code
 * start} (the local platform), {@code token} (an access token of its authorization server), {@code
 * loadgen SCENARIO} (the benchmarks), {@code kb import-rxnorm DIR} (a new drug-knowledge version)
 * and {@code completion} (a bash completion script for the whole tree). A new command (for example
 * {@code token}, or {@code kb import-rxnorm DIR} calling an entry point of its module) is one more
 * subcommand in {@link #commandLine()}.
 */
@Command(
    name = "vitalflow",
    synopsisSubcommandLabel = "COMMAND",
    description =
        "VitalFlow on this machine (docs/operations.md). Exit 2 for an unknown command or a bad flag.")
public final class Vitalflow {

  @Mixin HelpOption help;

  /**
   * {@code ./vitalflow completion}: prints a bash completion script for every command, scenario and
   * flag.
   */
  @Command(
      name = "completion",
      description = {
        "Prints a bash completion script for ./vitalflow; load it with",
        "  source <(./vitalflow completion)"
      })
  static final class Completion {
    @Mixin HelpOption help;
  }

  private Vitalflow() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * The command tree: {@code start}, {@code token}, {@code loadgen} with its scenarios, {@code kb},
   * {@code completion}.
   */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Vitalflow());
    line.addSubcommand("start", new StartCommand());
    line.addSubcommand("token", new TokenCommand());
    line.addSubcommand("cluster", new ClusterCommand());
    line.addSubcommand("loadgen", Loadgen.commandLine());
    line.addSubcommand(
        "kb",
        new CommandLine(new KbCommand())
            .addSubcommand("import-rxnorm", new KbCommand.ImportRxNorm()));
    line.addSubcommand("completion", new Completion());
    return Cli.configure(line);
  }

  /** Parses and runs; errors of use are one line on {@code err} and exit code 2. */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    CommandLine line = commandLine();
    ParseResult parsed;
    try {
      parsed = line.parseArgs(args);
    } catch (ParameterException e) {
      err.println(errorLine(e));
      return 2;
    }
    if (!parsed.hasSubcommand() || parsed.isUsageHelpRequested()) {
      usage(line, parsed.isUsageHelpRequested() ? out : err);
      return parsed.isUsageHelpRequested() ? 0 : 2;
    }
    ParseResult command = parsed.subcommand();
    Object user = command.commandSpec().userObject();
    if (command.isUsageHelpRequested()) {
      usage(command.commandSpec().commandLine(), out);
      return 0;
    }
    if (user instanceof StartCommand start) {
      LocalPlatform.launch(start.given());
      return 0;
    }
    if (user instanceof TokenCommand token) {
      return token.run(out, err);
    }
    if (user instanceof ClusterCommand cluster) {
      return cluster.run(out, err);
    }
    if (user instanceof KbCommand) {
      ParseResult kb = command.subcommand();
      if (kb == null) {
        usage(command.commandSpec().commandLine(), err);
        return 2;
      }
      if (kb.isUsageHelpRequested()) {
        usage(kb.commandSpec().commandLine(), out);
        return 0;
      }
      return ((KbCommand.ImportRxNorm) kb.commandSpec().userObject()).run(out, err);
    }
    if (user instanceof Completion) {
      out.print(AutoComplete.bash("vitalflow", line));
      out.flush();
      return 0;
    }
    return Loadgen.execute(command, out, err);
  }

  private static String errorLine(ParameterException e) {
    Object user = e.getCommandLine().getCommandSpec().userObject();
    if (user instanceof StartCommand) {
      return "vitalflow: " + Cli.message(e) + " (./vitalflow start --help)";
    }
    if (user instanceof TokenCommand) {
      return "vitalflow token: " + Cli.message(e) + " (./vitalflow token --help)";
    }
    if (user instanceof ClusterCommand) {
      return "vitalflow cluster: " + Cli.message(e) + " (./vitalflow cluster --help)";
    }
    if (user instanceof KbCommand || user instanceof KbCommand.ImportRxNorm) {
      return "vitalflow kb: " + Cli.message(e) + " (./vitalflow kb import-rxnorm --help)";
    }
    if (user instanceof Vitalflow
        && e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      return "vitalflow: unknown command '"
          + unmatched.getUnmatched().get(0)
          + "' (commands: "
          + String.join(", ", e.getCommandLine().getSubcommands().keySet())
          + ")";
    }
    if (user instanceof Vitalflow) {
      return "vitalflow: " + Cli.message(e) + " (./vitalflow --help)";
    }
    return Loadgen.errorLine(e);
  }

  private static void usage(CommandLine line, PrintStream stream) {
    PrintWriter writer = new PrintWriter(stream, true, Charset.defaultCharset());
    line.usage(writer);
    writer.flush();
  }
}
