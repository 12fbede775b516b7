package io.vitalflow.loadgen.fhir;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.cli.ScenarioDefaults;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModelFlags;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.engine.ThresholdFlags;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loadgen fhir}: its flags, checked into {@link FhirOptions}, and the run. */
@Command(
    name = "fhir",
    showDefaultValues = true,
    defaultValueProvider = ScenarioDefaults.class,
    description = {
      "The FHIR CRUD mix. Seeds --seed-patients Patients through batch Bundles POSTed to --fhir-url, then"
          + " runs the load model: closed = k6-style virtual users in --stages with --think between iterations;"
          + " open = --rates arrivals/s, latency from each arrival's intended start.",
      "Each iteration: GET Patient/{id} of a seeded or created Patient, POST Patient, or DELETE Patient/{id} of one"
          + " the run created (--mix percentages).",
      "Exit 1 when --p95, --p99 or --max-error-rate is broken, 2 for bad flags or an unreachable target."
    })
public final class FhirCommand implements Scenario {

  /**
   * k6's script scaled to one 2-core machine: 200 users instead of 10,000, the same think time and
   * limits.
   */
  static final LoadModels.Defaults MODEL_DEFAULTS =
      new LoadModels.Defaults(
          "closed", "30s:200,120s:200,10s:0", "100ms", "30s:4000,120s:4000,10s:0", "1024");

  @Mixin HelpOption help;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--seed-patients",
      defaultValue = "100000",
      description = "Patients created before the load.")
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

  @Mixin LoadModelFlags model;

  @Option(
      names = "--warmup",
      defaultValue = "0s",
      paramLabel = "DURATION",
      description =
          "Run the mix this long at the model's peak before the load, unmeasured, so that the"
              + " JIT of the server and of this client is warm when measuring starts (0s: none).")
  String warmup;

  @Option(
      names = "--mix",
      defaultValue = "60,30,10",
      paramLabel = "READ,CREATE,DELETE",
      description = "Percentages of the operations.")
  String mix;

  @Mixin ThresholdFlags thresholds;

  @Option(names = "--timeout", defaultValue = "10s", description = "Response timeout.")
  String timeout;

  @Option(names = "--connections", defaultValue = "256", description = "HTTP connections at most.")
  String connections;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /** The scopes asked for without {@code --scope}: the CRUD mix on any resource. */
  public static final String SCOPE = "system/*.cruds";

  /**
   * The options of {@code args} (tests; stress), or an {@link IllegalArgumentException} naming the
   * bad flag.
   */
  public static FhirOptions parse(String... args) {
    return Cli.parse(new FhirCommand(), args).options();
  }

  @Override
  public Map<String, String> defaults() {
    Map<String, String> defaults = new HashMap<>(MODEL_DEFAULTS.byFlag());
    defaults.putAll(Map.of("p95", "100ms", "p99", "200ms", "max-error-rate", "0.01"));
    return defaults;
  }

  @Override
  public FhirOptions options() {
    return new FhirOptions(
        FlagValues.httpUrl("--fhir-url", fhirUrl),
        FlagValues.nonNegativeInt("--seed-patients", seedPatients),
        FlagValues.positiveInt("--seed-batch", seedBatch),
        FlagValues.positiveInt("--seed-concurrency", seedConcurrency),
        model.model(),
        FlagValues.duration("--warmup", warmup),
        OperationMix.parse(mix),
        thresholds.thresholds(),
        FlagValues.positiveDuration("--timeout", timeout),
        FlagValues.positiveInt("--connections", connections),
        report.progress(),
        report.reportDir(),
        auth.auth(SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    FhirOptions options = options();
    FhirBenchmark.Result result = new FhirBenchmark(options, out).run();
    return new Ran(result.report(), options.reportDir(), result.passed());
  }
}
