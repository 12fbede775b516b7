package io.vitalflow.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line of every scenario: generated help, and an unknown flag refused in one line with
 * exit code 2.
 */
class LoadgenCliTest {

  static List<String> scenarios() {
    return List.of(
        "vitals",
        "fhir",
        "stress",
        "dashboard",
        "interactions",
        "seed",
        "vitals-query",
        "abuse",
        "suite");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyScenarioPrintsItsHelpWithDefaultsAndExitsZero(String scenario) throws Exception {
    Run run = run(scenario, "--help");

    assertThat(run.code).isZero();
    assertThat(run.err).isEmpty();
    assertThat(run.out)
        .startsWith("Usage: loadgen " + scenario + " ")
        .contains("--report-dir=<reportDir>")
        .contains("Default: loadgen-reports")
        .contains("-h, --help");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyScenarioRefusesAnUnknownFlagInOneLineNamingItAndExitsTwo(String scenario)
      throws Exception {
    Run run = run(scenario, "--report-dri=x");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip())
        .startsWith("loadgen " + scenario + ": unknown flag --report-dri (known: ")
        .contains("--report-dir")
        .doesNotContain("\n");
  }

  @Test
  void theRootHelpListsTheScenarios() throws Exception {
    Run run = run("--help");

    assertThat(run.code).isZero();
    assertThat(run.out).startsWith("Usage: loadgen [-h] SCENARIO");
    scenarios().forEach(scenario -> assertThat(run.out).contains("  " + scenario + " "));
  }

  @Test
  void sharedFlagsShowTheScenariosOwnDefaults() throws Exception {
    assertThat(run("fhir", "--help").out)
        .contains("Default: 30s:200,120s:200,10s:0")
        .contains("Default: 200ms");
    assertThat(run("interactions", "--help").out).contains("Default: 2s:4,10s:4");
    assertThat(run("vitals-query", "--help").out).contains("Default: 10s:50,60s:50,5s:0");
    assertThat(run("abuse", "--help").out).contains("--p99=DURATION|off").contains("Default: 2s");
  }

  @Test
  void noScenarioPrintsTheUsageAndExitsTwo() throws Exception {
    Run run = run();

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).startsWith("Usage: loadgen [-h] SCENARIO");
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
