package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitalflow.loadgen.cli.Cli;

/** The {@code ./vitalflow} command tree without starting anything: help, refusals, completion, given flags. */
class VitalflowCommandLineTest {

  @Test
  void startRefusesAnUnknownFlagInOneLineNamingItAndExitsTwo() throws Exception {
    Run run = run("start", "--kafak=broker:9092");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.strip()).startsWith("vitalflow: unknown flag --kafak (known: ").contains("--kafka,")
        .doesNotContain("\n");
  }

  @Test
  void startPrintsItsHelpWithTheDefaults() throws Exception {
    Run run = run("start", "--help");

    assertThat(run.code).isZero();
    assertThat(run.out).startsWith("Usage: vitalflow start ").contains("--kafka=HOST:PORT")
        .contains("--data-dir=<dataDir>").contains("Default: .vitalflow").contains("Default: 19092");
  }

  @Test
  void onlyTheFlagsGivenReachTheLauncherSoItsDefaultsAndExternalServicesStayItsOwn() {
    StartCommand command = Cli.parse(new StartCommand(), "--kafka=broker:9092", "--patients=0", "--patients=5");

    assertThat(command.given()).isEqualTo(Map.of("kafka", "broker:9092", "patients", "5"));
    assertThat(Cli.parse(new StartCommand()).given()).isEmpty();
  }

  @Test
  void loadgenScenariosAreSubcommands() throws Exception {
    Run help = run("loadgen", "fhir", "--help");
    assertThat(help.code).isZero();
    assertThat(help.out).startsWith("Usage: vitalflow loadgen fhir ").contains("--seed-patients");

    Run bad = run("loadgen", "fhir", "--seed-patiens=5");
    assertThat(bad.code).isEqualTo(2);
    assertThat(bad.err.strip()).startsWith("vitalflow loadgen fhir: unknown flag --seed-patiens (known: ")
        .doesNotContain("\n");

    Run unknown = run("loadgen", "k6");
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err.strip()).startsWith("vitalflow loadgen: unknown scenario 'k6' (known: vitals, fhir,");
  }

  @Test
  void anUnknownCommandIsOneLineAndExitTwo() throws Exception {
    Run run = run("strat");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.strip()).isEqualTo("vitalflow: unknown command 'strat' (commands: start, loadgen, completion)");
  }

  @Test
  void theRootHelpListsTheCommands() throws Exception {
    Run run = run("--help");

    assertThat(run.code).isZero();
    assertThat(run.out).startsWith("Usage: vitalflow [-h] COMMAND").contains("  start ").contains("  loadgen ")
        .contains("  completion ");
  }

  @Test
  void completionIsABashScriptForTheWholeTree() throws Exception {
    Run run = run("completion");

    assertThat(run.code).isZero();
    assertThat(run.out).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_vitalflow")
        .contains("loadgen").contains("vitals-query").contains("--seed-patients").contains("--kafka");
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Vitalflow.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {
  }
}
