package io.vitalflow.loadgen;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vitalflow.loadgen.abuse.AbuseOptions;
import io.vitalflow.loadgen.abuse.AbuseScenario;
import io.vitalflow.loadgen.interactions.InteractionsOptions;
import io.vitalflow.loadgen.interactions.InteractionsScenario;
import io.vitalflow.loadgen.report.Reports;

/**
 * The benchmark scenarios against a running deployment:
 * <ul>
 * <li>{@code loadgen vitals} with the flags of {@link VitalsOptions#USAGE}</li>
 * <li>{@code loadgen fhir} with the flags of {@link FhirOptions#USAGE}</li>
 * <li>{@code loadgen dashboard} with the flags of {@link DashboardOptions#USAGE}</li>
 * <li>{@code loadgen interactions} with the flags of {@link InteractionsOptions#USAGE}</li>
 * <li>{@code loadgen seed} with the flags of {@link SeedOptions#USAGE}</li>
 * <li>{@code loadgen vitals-query} with the flags of {@link VitalsQueryOptions#USAGE}</li>
 * <li>{@code loadgen abuse} with the flags of {@link AbuseOptions#USAGE}</li>
 * </ul>
 * Exit code 0 when the run met its goals, 1 when it did not, 2 for bad flags or a target that cannot be used.
 */
public final class Loadgen {

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: " + VitalsOptions.USAGE,
      "       " + FhirOptions.USAGE,
      "  fhir: seeds --seed-patients Patients through batch Bundles POSTed to --fhir-url, then runs the load model:",
      "  closed = k6-style virtual users in --stages (DURATION:USERS,... ramps linearly) with --think between",
      "  iterations; open = --rates arrivals/s (DURATION:RATE,...), latency from each arrival's intended start.",
      "  Each iteration: GET Patient/{id} of a seeded or created Patient, POST Patient, or DELETE Patient/{id} of",
      "  one the run created (--mix percentages). Exit 1 when --p95, --p99 or --max-error-rate is broken.",
      "       " + StressOptions.USAGE,
      "  stress: the report's breaking-point test. The FHIR CRUD mix at a constant arrival rate in steps of",
      "  --step-duration, each --growth times the last, until a step breaks (error rate > --break-error-rate or",
      "  p99 > --break-p99), then --refine bisection steps; reports the highest rate held and why the next broke.",
      "  Exit 1 when no step of at least --expect-at-least arrivals/s held (without it: only when no step ran).",
      "       " + DashboardOptions.USAGE,
      "  dashboard: WebSocket clients connect at --ramp/s, subscribe and stay (ping every --heartbeat) for --duration",
      "  while --readings-rate readings/s of the watched patients go to the gateway; reports connections held,",
      "  server heap (and RSS with --server-pid) per connection, frames/s by type, reading->frame percentiles.",
      "  Exit 1 when not every connection was held.",
      "       " + InteractionsOptions.USAGE,
      "  interactions: the interaction checker in-process with JMH (hot path 3 and 10 medications: AOT plugin,",
      "  interpreter, plain-Java reference; cold start in fresh JVMs; hot reload), then CDS Hooks order-select",
      "  calls over HTTP; compared with the replaced report's Scenario 4. Exit 1 when a part or limit failed.",
      "       " + SeedOptions.USAGE,
      "  seed: PUTs --patients Patients (ids <prefix>-p000001...) in batch Bundles, then --vitals-days of vitals for",
      "  the first --vitals-patients as chronological NDJSON to the gateway. Exit 1 unless everything was accepted.",
      "       " + VitalsQueryOptions.USAGE,
      "  vitals-query: the Scenario 3 mix (demographics, readings of 24 h, hourly aggregates of 7 days, new reading)",
      "  over the seeded Patients. Exit 1 when a threshold is broken.",
      "       " + AbuseOptions.USAGE,
      "  abuse: for --duration, slowloris, slow bodies, a connection flood and poison writes against the running",
      "  platform beside normal traffic at --rate; then checks the normal traffic's thresholds, that every",
      "  acknowledged reading and Patient is readable, and that every service is UP again. Exit 1 when a check fails.",
      "       " + SuiteOptions.USAGE,
      "  suite: the scenarios one after the other against one deployment (history is seeded first), each with its",
      "  own report, then one suite report over all; --<scenario>.<flag>=value sets any flag of one scenario.");

  /** The scenarios by command name, in the order of the usage text. */
  static final Map<String, Ran.Command> SCENARIOS = scenarios();

  private static Map<String, Ran.Command> scenarios() {
    Map<String, Ran.Command> scenarios = new LinkedHashMap<>();
    scenarios.put("vitals", Loadgen::vitals);
    scenarios.put("fhir", Loadgen::fhir);
    scenarios.put("stress", Loadgen::stress);
    scenarios.put("dashboard", Loadgen::dashboard);
    scenarios.put("interactions", InteractionsScenario::command);
    scenarios.put("seed", Seeder::command);
    scenarios.put("vitals-query", VitalsQueryScenario::command);
    scenarios.put("abuse", AbuseScenario::command);
    return Collections.unmodifiableMap(scenarios);
  }

  private Loadgen() {
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one scenario; the exit code as described above. Errors of use are one line on {@code err}. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || !(SCENARIOS.containsKey(args[0]) || args[0].equals(Suite.NAME))) {
      if (args.length > 0) {
        err.println("loadgen: unknown scenario '" + args[0] + "' (known: " + String.join(", ", SCENARIOS.keySet())
            + ", " + Suite.NAME + ")");
      }
      err.println(USAGE);
      return 2;
    }
    try {
      Map<String, String> flags = Flags.parse(args, 1);
      if (args[0].equals(Suite.NAME)) {
        return new Suite(SuiteOptions.parse(flags), SCENARIOS, out).run() ? 0 : 1;
      }
      Ran ran = SCENARIOS.get(args[0]).run(flags, out);
      Reports.write(ran.report(), ran.reportDir(), out);
      return ran.passed() ? 0 : 1;
    } catch (IllegalArgumentException e) {
      err.println("loadgen " + args[0] + ": " + e.getMessage() + " (run loadgen without arguments for usage)");
      return 2;
    } catch (FhirBenchmark.ScenarioException e) {
      err.println("loadgen " + args[0] + ": " + e.getMessage());
      return 2;
    }
  }

  private static Ran fhir(Map<String, String> flags, PrintStream out) throws Exception {
    FhirOptions options = FhirOptions.parse(flags);
    FhirBenchmark.Result result = new FhirBenchmark(options, out).run();
    return new Ran(result.report(), options.reportDir(), result.passed());
  }

  private static Ran stress(Map<String, String> flags, PrintStream out) throws Exception {
    StressOptions options = StressOptions.parse(flags);
    StressScenario.Result result = new StressScenario(options, out).run();
    return new Ran(result.report(), options.fhir().reportDir(), result.passed());
  }

  private static Ran dashboard(Map<String, String> flags, PrintStream out) throws Exception {
    DashboardOptions options = DashboardOptions.parse(flags);
    DashboardBenchmark.Result result = new DashboardBenchmark(options, out).run();
    return new Ran(DashboardReport.of(result, options), options.reportDir(), result.passed());
  }

  private static Ran vitals(Map<String, String> flags, PrintStream out) throws Exception {
    VitalsOptions options = VitalsOptions.parse(flags);
    var result = new VitalsBenchmark(options, out).run();
    return new Ran(VitalsReport.of(result, options), options.reportDir(), result.stored() == result.accepted());
  }
}
