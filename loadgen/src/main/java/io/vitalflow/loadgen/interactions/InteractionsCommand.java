package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.cli.ScenarioDefaults;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModelFlags;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.engine.ThresholdFlags;
import io.vitalflow.loadgen.report.RunReport;
import java.io.PrintStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loadgen interactions}: its flags, checked into {@link InteractionsOptions}, and the run.
 */
@Command(
    name = "interactions",
    showDefaultValues = true,
    defaultValueProvider = ScenarioDefaults.class,
    description = {
      "The interaction checker in-process with JMH (hot path with 3 and 10 medications: AOT plugin,"
          + " runtime-compiled, interpreter, plain-Java reference; cold start in fresh JVMs; hot reload), then CDS Hooks order-select"
          + " calls over HTTP; compared with the replaced report's Scenario 4.",
      "Exit 1 when a part or limit failed, 2 for bad flags."
    })
public final class InteractionsCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--which",
      defaultValue = "hot,cold,reload,http",
      description = "The parts to run.")
  String which;

  @Option(
      names = "--forks",
      defaultValue = "1",
      description = "JMH forks per benchmark (0: in this JVM).")
  String forks;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "JMH threads calling the hot path at once (the checker's instance pool serves them).")
  String threads;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "JMH warm-up iterations (reload: warm-up shots).")
  String warmup;

  @Option(
      names = "--iterations",
      defaultValue = "3",
      description = "JMH measured iterations of the hot path.")
  String iterations;

  @Option(names = "--time", defaultValue = "1s", description = "Length of one hot-path iteration.")
  String time;

  @Option(
      names = "--cold-runs",
      defaultValue = "5",
      description = "Fresh JVMs, one cold-start shot each.")
  String coldRuns;

  @Option(
      names = "--reload-runs",
      defaultValue = "20",
      description = "Measured reload shots per fork.")
  String reloadRuns;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR API whose host serves /cds-services.")
  String fhirUrl;

  @Option(
      names = "--service",
      defaultValue = InteractionsOptions.DEFAULT_SERVICE,
      description = "The CDS Hooks service id.")
  String service;

  @Mixin LoadModelFlags model;

  @Mixin ThresholdFlags thresholds;

  @Option(names = "--timeout", defaultValue = "10s", description = "HTTP response timeout.")
  String timeout;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /** The scopes asked for without {@code --scope}: calling the CDS service (its prefetch reads). */
  public static final String SCOPE = "system/*.rs";

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static InteractionsOptions parse(String... args) {
    return Cli.parse(new InteractionsCommand(), args).options();
  }

  @Override
  public Map<String, String> defaults() {
    Map<String, String> defaults = new HashMap<>(InteractionsOptions.LOAD_DEFAULTS.byFlag());
    defaults.putAll(Map.of("p95", "off", "p99", "off", "max-error-rate", "0.01"));
    return defaults;
  }

  @Override
  public InteractionsOptions options() {
    URI fhir = FlagValues.httpUrl("--fhir-url", fhirUrl);
    if (!service.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "--service must be a CDS service id such as "
              + InteractionsOptions.DEFAULT_SERVICE
              + ", got '"
              + service
              + "'");
    }
    return new InteractionsOptions(
        InteractionsOptions.parts(which),
        FlagValues.nonNegativeInt("--forks", forks),
        FlagValues.positiveInt("--threads", threads),
        FlagValues.nonNegativeInt("--warmup", warmup),
        FlagValues.positiveInt("--iterations", iterations),
        FlagValues.positiveDuration("--time", time),
        FlagValues.positiveInt("--cold-runs", coldRuns),
        FlagValues.positiveInt("--reload-runs", reloadRuns),
        fhir.resolve("/cds-services/" + service),
        model.model(),
        thresholds.thresholds(),
        FlagValues.positiveDuration("--timeout", timeout),
        report.progress(),
        report.reportDir(),
        auth.auth(SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    InteractionsOptions options = options();
    RunReport report = new InteractionsScenario(options, out).run();
    return new Ran(report, options.reportDir(), report.passed());
  }
}
