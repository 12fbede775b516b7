package io.vitalflow.loadgen.suite;

import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.LocalJdbcPassword;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.dashboard.DashboardCommand;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.fhir.FhirCommand;
import io.vitalflow.loadgen.interactions.InteractionsCommand;
import io.vitalflow.loadgen.seed.SeedCommand;
import io.vitalflow.loadgen.stress.StressCommand;
import io.vitalflow.loadgen.vitals.VitalsCommand;
import io.vitalflow.loadgen.vitalsquery.VitalsQueryCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Settings of {@code loadgen suite} (checked from its flags by {@link SuiteCommand}): which
 * scenarios, the deployment's addresses once for all of them, the length of each steady phase, the
 * seeding scale, and {@code --<scenario>.<flag>=value} to override any scenario flag. Every
 * scenario's flags are checked before anything runs, so a typo fails in a second, not after an
 * hour.
 *
 * @param runs the scenarios in order, each with the complete flags it runs with
 */
public record SuiteOptions(List<Map.Entry<String, Map<String, String>>> runs, Path reportDir) {

  static final List<String> ORDER =
      List.of("seed", "fhir", "vitals-query", "vitals", "dashboard", "interactions", "stress");

  /** The scenarios the suite can run, each a fresh command to parse its flags into. */
  static final Map<String, Supplier<Scenario>> SCENARIOS =
      Map.of(
          "seed",
          SeedCommand::new,
          "fhir",
          FhirCommand::new,
          "vitals-query",
          VitalsQueryCommand::new,
          "vitals",
          VitalsCommand::new,
          "dashboard",
          DashboardCommand::new,
          "interactions",
          InteractionsCommand::new,
          "stress",
          StressCommand::new);

  /**
   * The runs from the suite's own flags ({@code own}, by name without {@code --}, defaults applied;
   * no {@code jdbc-password} when not given) and the {@code --<scenario>.<flag>=value} overrides,
   * every run's flags checked by its scenario.
   */
  static SuiteOptions of(
      Map<String, String> own, Map<String, String> authFlags, List<String> overrideArgs) {
    Map<String, Map<String, String>> overrides = new HashMap<>();
    for (String arg : overrideArgs) {
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals);
      int dot = name.indexOf('.');
      String scenario = name.substring(0, dot);
      if (!ORDER.contains(scenario)) {
        throw new IllegalArgumentException(
            "--"
                + name
                + ": no scenario '"
                + scenario
                + "' (known: "
                + String.join(", ", ORDER)
                + ")");
      }
      overrides
          .computeIfAbsent(scenario, s -> new HashMap<>())
          .put(name.substring(dot + 1), arg.substring(equals + 1));
    }
    Map<String, String> shared = shared(own);
    List<Map.Entry<String, Map<String, String>>> runs = new ArrayList<>();
    for (String scenario : scenarios(own.get("scenarios"))) {
      Map<String, String> run = new TreeMap<>(defaults(scenario, shared));
      run.putAll(authFlags);
      run.putAll(overrides.getOrDefault(scenario, Map.of()));
      run.put("report-dir", shared.get("report-dir"));
      try {
        Cli.parse(SCENARIOS.get(scenario).get(), args(run)).check();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(scenario + ": " + e.getMessage(), e);
      }
      runs.add(Map.entry(scenario, run));
    }
    overrides.keySet().stream()
        .filter(s -> runs.stream().noneMatch(r -> r.getKey().equals(s)))
        .findFirst()
        .ifPresent(
            s -> {
              throw new IllegalArgumentException(
                  "--" + s + ".* given, but " + s + " is not in --scenarios");
            });
    return new SuiteOptions(List.copyOf(runs), Path.of(shared.get("report-dir")));
  }

  private static List<String> scenarios(String text) {
    List<String> scenarios = FlagValues.names("--scenarios", "scenario", text, ORDER);
    for (int i = 0; i < scenarios.size(); i++) {
      if (scenarios.indexOf(scenarios.get(i)) != i) {
        throw new IllegalArgumentException("--scenarios: " + scenarios.get(i) + " is listed twice");
      }
    }
    return scenarios;
  }

  /** The suite's own flags with their defaults, checked. */
  private static Map<String, String> shared(Map<String, String> own) {
    Map<String, String> shared = new HashMap<>();
    shared.put("fhir-url", own.get("fhir-url"));
    shared.put("api-url", own.get("api-url"));
    shared.put("ingest-url", own.get("ingest-url"));
    shared.put("dashboard-url", own.get("dashboard-url"));
    shared.put("jdbc-url", own.get("jdbc-url"));
    shared.put("jdbc-user", own.get("jdbc-user"));
    shared.put(
        "jdbc-password",
        own.containsKey("jdbc-password") ? own.get("jdbc-password") : LocalJdbcPassword.read());
    Duration duration = FlagValues.positiveDuration("--duration", own.get("duration"));
    shared.put(
        "duration",
        duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms");
    shared.put(
        "patients", Integer.toString(FlagValues.positiveInt("--patients", own.get("patients"))));
    shared.put(
        "vitals-patients",
        Integer.toString(
            FlagValues.nonNegativeInt("--vitals-patients", own.get("vitals-patients"))));
    shared.put("report-dir", own.get("report-dir"));
    return shared;
  }

  /** A run's flags as a command line. */
  static String[] args(Map<String, String> flags) {
    return flags.entrySet().stream()
        .map(flag -> "--" + flag.getKey() + "=" + flag.getValue())
        .toArray(String[]::new);
  }

  /**
   * A scenario's flags for the suite: the shared addresses and scale, a steady phase of {@code
   * --duration}.
   */
  private static Map<String, String> defaults(String scenario, Map<String, String> s) {
    String d = s.get("duration");
    return switch (scenario) {
      case "seed" ->
          Map.of(
              "fhir-url",
              s.get("fhir-url"),
              "ingest-url",
              s.get("ingest-url"),
              "patients",
              s.get("patients"),
              "vitals-patients",
              s.get("vitals-patients"),
              "vitals-days",
              "7");
      case "fhir" ->
          Map.of(
              "fhir-url",
              s.get("fhir-url"),
              "seed-patients",
              "5000",
              "stages",
              "10s:100," + d + ":100,5s:0");
      case "vitals-query" ->
          Map.of(
              "fhir-url",
              s.get("fhir-url"),
              "api-url",
              s.get("api-url"),
              "ingest-url",
              s.get("ingest-url"),
              "patients",
              s.get("patients"),
              "vitals-patients",
              Integer.toString(Math.max(1, Integer.parseInt(s.get("vitals-patients")))),
              "stages",
              "10s:50," + d + ":50");
      case "vitals" ->
          Map.of(
              "url",
              s.get("ingest-url"),
              "rate",
              "20000",
              "duration",
              d,
              "jdbc-url",
              s.get("jdbc-url"),
              "jdbc-user",
              s.get("jdbc-user"),
              "jdbc-password",
              s.get("jdbc-password"));
      case "dashboard" ->
          Map.of(
              "dashboard-url",
              s.get("dashboard-url"),
              "ingest-url",
              s.get("ingest-url"),
              "connections",
              "5000",
              "ramp",
              "1000",
              "duration",
              d,
              "patients",
              "1000",
              "readings-rate",
              "1000");
      case "interactions" ->
          Map.of(
              "fhir-url",
              s.get("fhir-url"),
              "which",
              "hot,cold,reload,http",
              "stages",
              "5s:8," + d + ":8");
      case "stress" ->
          Map.of(
              "fhir-url",
              s.get("fhir-url"),
              "seed-patients",
              "5000",
              "start-rate",
              "250",
              "step-duration",
              "20s");
      default -> throw new IllegalStateException(scenario);
    };
  }
}
