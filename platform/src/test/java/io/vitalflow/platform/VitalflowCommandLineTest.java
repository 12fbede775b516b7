package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vitalflow} command tree without starting anything: help, refusals, completion, given
 * flags.
 */
class VitalflowCommandLineTest {

  @Test
  void startRefusesAnUnknownFlagInOneLineNamingItAndExitsTwo() throws Exception {
    Run run = run("start", "--kafak=broker:9092");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.strip())
        .startsWith("vitalflow: unknown flag --kafak (known: ")
        .contains("--kafka,")
        .doesNotContain("\n");
  }

  @Test
  void startPrintsItsHelpWithTheDefaults() throws Exception {
    Run run = run("start", "--help");

    assertThat(run.code).isZero();
    assertThat(run.out)
        .startsWith("Usage: vitalflow start ")
        .contains("--kafka=HOST:PORT")
        .contains("--data-dir=<dataDir>")
        .contains("Default: .vitalflow")
        .contains("Default: 19092");
  }

  @Test
  void onlyTheFlagsGivenReachTheLauncherSoItsDefaultsAndExternalServicesStayItsOwn() {
    StartCommand command =
        Cli.parse(new StartCommand(), "--kafka=broker:9092", "--patients=0", "--patients=5");

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
    assertThat(bad.err.strip())
        .startsWith("vitalflow loadgen fhir: unknown flag --seed-patiens (known: ")
        .doesNotContain("\n");

    Run unknown = run("loadgen", "k6");
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err.strip())
        .startsWith("vitalflow loadgen: unknown scenario 'k6' (known: vitals, fhir,");
  }

  @Test
  void kbImportRxNormWritesANewKnowledgeVersionIntoTheDataDirectorysStore(@TempDir Path dataDir)
      throws Exception {
    Path fixture =
        Path.of("../interaction-checker/src/test/resources/rxnorm/rrf")
            .toAbsolutePath()
            .normalize();

    Run imported =
        run(
            "kb",
            "import-rxnorm",
            fixture.toString(),
            "--data-dir=" + dataDir,
            "--release=20261201");

    assertThat(imported.code).as(imported.err).isZero();
    assertThat(imported.out)
        .startsWith("knowledge base ")
        .contains(dataDir.resolve(KbCommand.STORE).toString());
    assertThat(dataDir.resolve(KbCommand.STORE).resolve("CURRENT")).exists();
  }

  @Test
  void kbImportRxNormRefusesMissingFilesWithExitOneAndBadFlagsWithExitTwo(@TempDir Path dataDir)
      throws Exception {
    Run missing =
        run("kb", "import-rxnorm", dataDir.resolve("nothing").toString(), "--data-dir=" + dataDir);
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.err.strip()).startsWith("vitalflow kb import-rxnorm: ").doesNotContain("\n");
    assertThat(dataDir.resolve(KbCommand.STORE).resolve("CURRENT")).doesNotExist();

    Run bad = run("kb", "import-rxnorm", "x", "--stor=y");
    assertThat(bad.code).isEqualTo(2);
    assertThat(bad.err.strip()).startsWith("vitalflow kb: unknown flag --stor");

    Run help = run("kb", "import-rxnorm", "--help");
    assertThat(help.code).isZero();
    assertThat(help.out).startsWith("Usage: vitalflow kb import-rxnorm ").contains("RXNCONSO.RRF");
  }

  @Test
  void anUnknownCommandIsOneLineAndExitTwo() throws Exception {
    Run run = run("strat");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.strip())
        .isEqualTo(
            "vitalflow: unknown command 'strat' (commands: start, token, cluster, loadgen, kb, completion)");
  }

  @Test
  void theRootHelpListsTheCommands() throws Exception {
    Run run = run("--help");

    assertThat(run.code).isZero();
    assertThat(run.out)
        .startsWith("Usage: vitalflow [-h] COMMAND")
        .contains("  start ")
        .contains("  loadgen ")
        .contains("  completion ");
  }

  @Test
  void completionIsABashScriptForTheWholeTree() throws Exception {
    Run run = run("completion");

    assertThat(run.code).isZero();
    assertThat(run.out)
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_vitalflow")
        .contains("loadgen")
        .contains("vitals-query")
        .contains("--seed-patients")
        .contains("--kafka");
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Vitalflow.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
