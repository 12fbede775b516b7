package io.vitalflow.loadgen.suite;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code loadgen suite}: the deployment's addresses once for all scenarios, the length of each
 * steady phase, the seeding scale, and {@code --<scenario>.<flag>=value} for any flag of one
 * scenario. Every scenario's flags are checked before anything runs, so a typo fails in a second,
 * not after an hour.
 */
@Command(
    name = "suite",
    showDefaultValues = true,
    description = {
      "The scenarios one after the other against one deployment (history is seeded first), each with its"
          + " own report, then one suite report over all; --<scenario>.<flag>=value sets any flag of one scenario"
          + " (see loadgen <scenario> --help).",
      "Exit 1 when a scenario did not meet its goals or could not run, 2 for bad flags."
    })
public final class SuiteCommand {

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Mixin AuthFlags auth;

  @Option(
      names = "--scenarios",
      defaultValue = "seed,fhir,vitals-query,vitals,dashboard,interactions,stress",
      description = "The scenarios to run, in this order.")
  String scenarios;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--api-url",
      defaultValue = "http://127.0.0.1:8082",
      description = "The vitals read API's URL.")
  String apiUrl;

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's URL.")
  String ingestUrl;

  @Option(
      names = "--dashboard-url",
      defaultValue = "ws://127.0.0.1:8084",
      description = "The dashboard's ws URL.")
  String dashboardUrl;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:54329/vitalflow",
      description = "The PostgreSQL the vitals scenario counts stored readings in.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", defaultValue = "postgres", description = "Its user.")
  String jdbcUser;

  @Option(
      names = "--jdbc-password",
      description =
          "Its password (default: the local platform's, from " + ".vitalflow*/postgres.password).")
  String jdbcPassword;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "The steady phase of each scenario.")
  String duration;

  @Option(
      names = "--patients",
      defaultValue = "20000",
      description = "Patients seeded and queried.")
  String patients;

  @Option(
      names = "--vitals-patients",
      defaultValue = "200",
      description = "Seeded Patients with vitals history.")
  String vitalsPatients;

  @Option(
      names = "--report-dir",
      defaultValue = "loadgen-reports",
      description = "Where the reports go.")
  String reportDir;

  @Unmatched List<String> overrides = new ArrayList<>();

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static SuiteOptions parse(String... args) {
    return Cli.parse(new SuiteCommand(), args).options();
  }

  SuiteOptions options() {
    for (String arg : overrides) {
      if (!arg.matches("--[^=.]+\\.[^=]+=.*")) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        throw new IllegalArgumentException(
            arg.startsWith("-")
                ? "unknown flag "
                    + name
                    + " (known: "
                    + Cli.known(spec)
                    + ", --<scenario>.<flag>=value)"
                : "unexpected argument '" + arg + "' (flags are written --name=value)");
      }
    }
    Map<String, String> own = new HashMap<>();
    for (OptionSpec option : spec.options()) {
      String name = option.longestName().substring(2);
      if (!option.usageHelp() && !AuthFlags.NAMES.contains(name) && option.getValue() != null) {
        own.put(option.longestName().substring(2), option.getValue());
      }
    }
    return SuiteOptions.of(own, auth.asMap(), overrides);
  }

  /**
   * Checks every scenario's flags, then runs them; true when every scenario ran and met its goals.
   */
  public boolean run(PrintStream out) throws Exception {
    return new Suite(options(), out).run();
  }
}
