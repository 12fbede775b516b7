package io.vitalflow.loadgen;

import io.vitalflow.loadgen.abuse.AbuseCommand;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.dashboard.DashboardCommand;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.fhir.FhirCommand;
import io.vitalflow.loadgen.interactions.InteractionsCommand;
import io.vitalflow.loadgen.report.Reports;
import io.vitalflow.loadgen.seed.SeedCommand;
import io.vitalflow.loadgen.stress.StressCommand;
import io.vitalflow.loadgen.suite.SuiteCommand;
import io.vitalflow.loadgen.vitals.VitalsCommand;
import io.vitalflow.loadgen.vitalsquery.VitalsQueryCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code loadgen SCENARIO [--flags]}: the benchmark scenarios against a running deployment, one
 * picocli subcommand each (its flags and defaults in {@code loadgen SCENARIO --help}). Exit code 0
 * when the run met its goals, 1 when it did not, 2 for bad flags or a target that cannot be used.
 */
@Command(
    name = "loadgen",
    synopsisSubcommandLabel = "SCENARIO",
    description =
        "Benchmark scenarios against a running VitalFlow (./vitalflow start) or any deployment"
            + " (docs/loadgen.md). Exit 0 when the run met its goals, 1 when it did not, 2 for bad flags or a target"
            + " that cannot be used.",
    subcommands = {
      VitalsCommand.class,
      FhirCommand.class,
      StressCommand.class,
      DashboardCommand.class,
      InteractionsCommand.class,
      SeedCommand.class,
      VitalsQueryCommand.class,
      AbuseCommand.class,
      SuiteCommand.class
    })
public final class Loadgen {

  @Mixin HelpOption help;

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** The command tree: {@code loadgen} and its scenarios. */
  public static CommandLine commandLine() {
    return Cli.of(new Loadgen());
  }

  /**
   * Parses and runs; the exit code as described above. Errors of use are one line on {@code err}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    CommandLine line = commandLine();
    try {
      return execute(line.parseArgs(args), out, err);
    } catch (ParameterException e) {
      err.println(errorLine(e));
      return 2;
    }
  }

  /** The one line for a parse error of {@code loadgen} or one of its scenarios. */
  public static String errorLine(ParameterException e) {
    CommandLine failed = e.getCommandLine();
    String name = failed.getCommandSpec().qualifiedName(" ");
    if (failed.getCommandSpec().userObject() instanceof Loadgen
        && e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      return name
          + ": unknown scenario '"
          + unmatched.getUnmatched().get(0)
          + "' (known: "
          + String.join(", ", failed.getSubcommands().keySet())
          + "; "
          + name
          + " --help)";
    }
    return name + ": " + Cli.message(e) + " (" + name + " --help)";
  }

  /**
   * Runs what a parsed {@code loadgen} command line names ({@code parsed} is the {@code loadgen}
   * level): the help when asked, else the scenario, and writes its reports.
   */
  public static int execute(ParseResult parsed, PrintStream out, PrintStream err) throws Exception {
    if (parsed.isUsageHelpRequested()) {
      usage(parsed.commandSpec().commandLine(), out);
      return 0;
    }
    if (!parsed.hasSubcommand()) {
      usage(parsed.commandSpec().commandLine(), err);
      return 2;
    }
    ParseResult scenario = parsed.subcommand();
    String name = scenario.commandSpec().qualifiedName(" ");
    if (scenario.isUsageHelpRequested()) {
      usage(scenario.commandSpec().commandLine(), out);
      return 0;
    }
    try {
      if (scenario.commandSpec().userObject() instanceof SuiteCommand suite) {
        return suite.run(out) ? 0 : 1;
      }
      Ran ran = ((Scenario) scenario.commandSpec().userObject()).run(out);
      Reports.write(ran.report(), ran.reportDir(), out);
      return ran.passed() ? 0 : 1;
    } catch (IllegalArgumentException e) {
      err.println(name + ": " + e.getMessage() + " (" + name + " --help)");
      return 2;
    } catch (ScenarioException e) {
      err.println(name + ": " + e.getMessage());
      return 2;
    }
  }

  private static void usage(CommandLine line, PrintStream stream) {
    PrintWriter writer = new PrintWriter(stream, true, Charset.defaultCharset());
    line.usage(writer);
    writer.flush();
  }
}
