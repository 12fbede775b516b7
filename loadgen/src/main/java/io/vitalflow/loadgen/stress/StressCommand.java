package io.vitalflow.loadgen.stress;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.fhir.FhirCommand;
import io.vitalflow.loadgen.fhir.FhirOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadgen stress}: its own flags and those of the FHIR scenario for the target and the
 * seeding, checked into {@link StressOptions}, and the run. The FHIR scenario's load-model and
 * threshold flags are refused by name.
 */
@Command(
    name = "stress",
    showDefaultValues = true,
    description = {
      "The report's breaking-point test: the FHIR CRUD mix at a constant arrival rate in steps of"
          + " --step-duration, each --growth times the last, until a step breaks (error rate > --break-error-rate or"
          + " p99 > --break-p99), then --refine bisection steps; reports the highest rate held and why the next broke.",
      "Exit 1 when no step of at least --expect-at-least arrivals/s held (without it: only when no step ran), 2 for"
          + " bad flags or an unreachable target."
    })
public final class StressCommand implements Scenario {

  /** The FHIR scenario's flags that stress sets itself, in the order they are reported. */
  private static final List<String> LOAD_MODEL_FLAGS =
      List.of("--model", "--stages", "--think", "--rates");

  private static final List<String> THRESHOLD_FLAGS = List.of("--p95", "--p99", "--max-error-rate");

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--seed-patients",
      defaultValue = "20000",
      description = "Patients created before the search.")
  String seedPatients;

  @Option(
      names = "--seed-batch",
      defaultValue = "500",
      description = "Patients per seeding Bundle.")
  String seedBatch;

  @Option(
      names = "--seed-concurrency",
      defaultValue = "4",
      description = "Seeding Bundles in flight.")
  String seedConcurrency;

  @Option(
      names = "--mix",
      defaultValue = "60,30,10",
      paramLabel = "READ,CREATE,DELETE",
      description = "Percentages of the operations.")
  String mix;

  @Option(
      names = "--start-rate",
      defaultValue = "200",
      description = "Arrivals per second of the first step.")
  String startRate;

  @Option(
      names = "--growth",
      defaultValue = "1.5",
      description = "Each step's rate over the last one's (1-10].")
  String growth;

  @Option(
      names = "--max-rate",
      defaultValue = "100000",
      description = "The search stops at this rate.")
  String maxRate;

  @Option(
      names = "--refine",
      defaultValue = "2",
      description = "Bisection steps after the first broken step.")
  String refine;

  @Option(names = "--step-duration", defaultValue = "20s", description = "Length of one step.")
  String stepDuration;

  @Option(names = "--pause", defaultValue = "5s", description = "Pause between two steps.")
  String pause;

  @Option(
      names = "--max-in-flight",
      defaultValue = "2048",
      description = "Requests in flight at most.")
  String maxInFlight;

  @Option(
      names = "--break-error-rate",
      defaultValue = "5%",
      description = "A step with more errors broke.")
  String breakErrorRate;

  @Option(
      names = "--break-p99",
      defaultValue = "500ms",
      description = "A step with a slower p99 broke.")
  String breakP99;

  @Option(
      names = "--expect-at-least",
      paramLabel = "RATE",
      description =
          "Pass (exit 0) only when a step at this rate or above held (default: when any step ran).")
  String expectAtLeast;

  @Option(names = "--timeout", defaultValue = "10s", description = "Response timeout.")
  String timeout;

  @Option(names = "--connections", defaultValue = "256", description = "HTTP connections at most.")
  String connections;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /**
   * Accepted only to be refused with a reason: stress ramps an open model itself and has its own
   * limits.
   */
  @Option(
      names = {"--model", "--stages", "--think", "--rates", "--p95", "--p99", "--max-error-rate"},
      hidden = true)
  String notForStress;

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static StressOptions parse(String... args) {
    return Cli.parse(new StressCommand(), args).options();
  }

  @Override
  public StressOptions options() {
    for (String flag : LOAD_MODEL_FLAGS) {
      if (given(flag)) {
        throw new IllegalArgumentException(
            flag
                + " does not apply to stress: it ramps an open model itself"
                + " (--start-rate, --growth, --step-duration)");
      }
    }
    for (String flag : THRESHOLD_FLAGS) {
      if (given(flag)) {
        throw new IllegalArgumentException(
            flag + " does not apply to stress: use --break-p99 and" + " --break-error-rate");
      }
    }
    List<String> fhirArgs =
        new ArrayList<>(
            List.of(
                "--fhir-url=" + fhirUrl,
                "--seed-patients=" + seedPatients,
                "--seed-batch=" + seedBatch,
                "--seed-concurrency=" + seedConcurrency,
                "--mix=" + mix,
                "--timeout=" + timeout,
                "--connections=" + connections));
    fhirArgs.addAll(List.of(report.asArgs()));
    fhirArgs.addAll(auth.asArgs());
    FhirOptions fhir = FhirCommand.parse(fhirArgs.toArray(String[]::new));
    int start = FlagValues.positiveInt("--start-rate", startRate);
    int max = FlagValues.positiveInt("--max-rate", maxRate);
    if (max < start) {
      throw new IllegalArgumentException(
          "--max-rate (" + max + ") is below --start-rate (" + start + ")");
    }
    double factor = StressOptions.growth(growth);
    OptionalInt expected = OptionalInt.empty();
    if (expectAtLeast != null) {
      int rate = FlagValues.positiveInt("--expect-at-least", expectAtLeast);
      if (rate > max) {
        throw new IllegalArgumentException(
            "--expect-at-least ("
                + rate
                + ") is above --max-rate ("
                + max
                + "): no step could meet it");
      }
      expected = OptionalInt.of(rate);
    }
    return new StressOptions(
        fhir,
        start,
        factor,
        max,
        FlagValues.nonNegativeInt("--refine", refine),
        FlagValues.positiveDuration("--step-duration", stepDuration),
        FlagValues.duration("--pause", pause),
        FlagValues.positiveInt("--max-in-flight", maxInFlight),
        FlagValues.fraction("--break-error-rate", breakErrorRate),
        FlagValues.positiveDuration("--break-p99", breakP99),
        expected);
  }

  /** Whether {@code flag} was on the command line (the refused flags share one hidden option). */
  private boolean given(String flag) {
    return spec.commandLine().getParseResult().originalArgs().stream()
        .anyMatch(arg -> arg.equals(flag) || arg.startsWith(flag + "="));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    StressOptions options = options();
    StressScenario.Result result = new StressScenario(options, out).run();
    return new Ran(result.report(), options.fhir().reportDir(), result.passed());
  }
}
