package io.vitalflow.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.interactions.InteractionsOptions;

/**
 * Flags of {@code loadgen suite}: which scenarios, the deployment's addresses once for all of them, the length of
 * each steady phase, the seeding scale, and {@code --<scenario>.<flag>=value} to override any scenario flag. Every
 * scenario's flags are checked before anything runs, so a typo fails in a second, not after an hour.
 *
 * @param runs the scenarios in order, each with the complete flags it runs with
 */
record SuiteOptions(List<Map.Entry<String, Map<String, String>>> runs, Path reportDir) {

  static final String USAGE = "loadgen suite [--scenarios=seed,fhir,vitals-query,vitals,dashboard,interactions,stress]"
      + " [--fhir-url=http://127.0.0.1:8082/fhir] [--api-url=http://127.0.0.1:8082]"
      + " [--ingest-url=http://127.0.0.1:8081] [--dashboard-url=ws://127.0.0.1:8084]"
      + " [--jdbc-url=jdbc:postgresql://127.0.0.1:54329/vitalflow] [--jdbc-user=postgres] [--jdbc-password=(.vitalflow*/postgres.password)]"
      + " [--duration=60s] [--patients=20000] [--vitals-patients=200] [--report-dir=loadgen-reports]"
      + " [--<scenario>.<flag>=value ...]";

  static final List<String> ORDER = List.of("seed", "fhir", "vitals-query", "vitals", "dashboard", "interactions",
      "stress");

  private static final List<String> OWN = List.of("scenarios", "fhir-url", "api-url", "ingest-url", "dashboard-url",
      "jdbc-url", "jdbc-user", "jdbc-password", "duration", "patients", "vitals-patients", "report-dir");

  /** Each scenario's flag check, run on its complete flags before the suite starts. */
  private static final Map<String, Consumer<Map<String, String>>> CHECKS = Map.of(
      "seed", SeedOptions::parse, "fhir", FhirOptions::parse, "vitals-query", VitalsQueryOptions::parse,
      "vitals", VitalsOptions::parse, "dashboard", DashboardOptions::parse,
      "interactions", InteractionsOptions::parse, "stress", StressOptions::parse);

  static SuiteOptions parse(Map<String, String> flags) {
    Map<String, Map<String, String>> overrides = new HashMap<>();
    Map<String, String> own = new HashMap<>();
    flags.forEach((name, value) -> {
      int dot = name.indexOf('.');
      if (dot > 0) {
        String scenario = name.substring(0, dot);
        if (!ORDER.contains(scenario)) {
          throw new IllegalArgumentException("--" + name + ": no scenario '" + scenario + "' (known: "
              + String.join(", ", ORDER) + ")");
        }
        overrides.computeIfAbsent(scenario, s -> new HashMap<>()).put(name.substring(dot + 1), value);
      } else {
        own.put(name, value);
      }
    });
    FlagValues.rejectUnknown(own, OWN);
    Map<String, String> shared = shared(own);
    List<Map.Entry<String, Map<String, String>>> runs = new ArrayList<>();
    for (String scenario : scenarios(own.getOrDefault("scenarios", String.join(",", ORDER)))) {
      Map<String, String> run = new TreeMap<>(defaults(scenario, shared));
      run.putAll(overrides.getOrDefault(scenario, Map.of()));
      run.put("report-dir", shared.get("report-dir"));
      try {
        CHECKS.get(scenario).accept(run);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(scenario + ": " + e.getMessage(), e);
      }
      runs.add(Map.entry(scenario, run));
    }
    overrides.keySet().stream().filter(s -> runs.stream().noneMatch(r -> r.getKey().equals(s))).findFirst()
        .ifPresent(s -> {
          throw new IllegalArgumentException("--" + s + ".* given, but " + s + " is not in --scenarios");
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
    shared.put("fhir-url", own.getOrDefault("fhir-url", "http://127.0.0.1:8082/fhir"));
    shared.put("api-url", own.getOrDefault("api-url", "http://127.0.0.1:8082"));
    shared.put("ingest-url", own.getOrDefault("ingest-url", "http://127.0.0.1:8081"));
    shared.put("dashboard-url", own.getOrDefault("dashboard-url", "ws://127.0.0.1:8084"));
    shared.put("jdbc-url", own.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/vitalflow"));
    shared.put("jdbc-user", own.getOrDefault("jdbc-user", "postgres"));
    shared.put("jdbc-password", own.getOrDefault("jdbc-password", Flags.localJdbcPassword()));
    Duration duration = FlagValues.positiveDuration("--duration", own.getOrDefault("duration", "60s"));
    shared.put("duration", duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms");
    shared.put("patients", Integer.toString(FlagValues.positiveInt("--patients",
        own.getOrDefault("patients", "20000"))));
    shared.put("vitals-patients", Integer.toString(FlagValues.nonNegativeInt("--vitals-patients",
        own.getOrDefault("vitals-patients", "200"))));
    shared.put("report-dir", own.getOrDefault("report-dir", "loadgen-reports"));
    return shared;
  }

  /** A scenario's flags for the suite: the shared addresses and scale, a steady phase of {@code --duration}. */
  private static Map<String, String> defaults(String scenario, Map<String, String> s) {
    String d = s.get("duration");
    return switch (scenario) {
      case "seed" -> Map.of("fhir-url", s.get("fhir-url"), "ingest-url", s.get("ingest-url"),
          "patients", s.get("patients"), "vitals-patients", s.get("vitals-patients"), "vitals-days", "7");
      case "fhir" -> Map.of("fhir-url", s.get("fhir-url"), "seed-patients", "5000",
          "stages", "10s:100," + d + ":100,5s:0");
      case "vitals-query" -> Map.of("fhir-url", s.get("fhir-url"), "api-url", s.get("api-url"),
          "ingest-url", s.get("ingest-url"), "patients", s.get("patients"),
          "vitals-patients", Integer.toString(Math.max(1, Integer.parseInt(s.get("vitals-patients")))),
          "stages", "10s:50," + d + ":50");
      case "vitals" -> Map.of("url", s.get("ingest-url"), "rate", "20000", "duration", d,
          "jdbc-url", s.get("jdbc-url"), "jdbc-user", s.get("jdbc-user"), "jdbc-password", s.get("jdbc-password"));
      case "dashboard" -> Map.of("dashboard-url", s.get("dashboard-url"), "ingest-url", s.get("ingest-url"),
          "connections", "5000", "ramp", "1000", "duration", d, "patients", "1000", "readings-rate", "1000");
      case "interactions" -> Map.of("fhir-url", s.get("fhir-url"), "which", "hot,cold,reload,http",
          "stages", "5s:8," + d + ":8");
      case "stress" -> Map.of("fhir-url", s.get("fhir-url"), "seed-patients", "5000", "start-rate", "250",
          "step-duration", "20s");
      default -> throw new IllegalStateException(scenario);
    };
  }
}
