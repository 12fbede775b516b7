package io.vitalflow.platform;

import io.vitalflow.interactions.kb.RxNormImport;
import io.vitalflow.loadgen.cli.HelpOption;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./vitalflow kb import-rxnorm DIR}: builds a new knowledge-base version of the
 * drug-interaction checker from the NLM RxNorm release files in DIR ({@code RXNCONSO.RRF}, {@code
 * RXNREL.RRF}) into the knowledge store of the data directory, which a running {@code ./vitalflow
 * start} on the same data directory watches and loads without a restart (see
 * docs/interaction-checker.md "RxNorm import").
 */
@Command(
    name = "kb",
    synopsisSubcommandLabel = "COMMAND",
    description = "The drug-interaction knowledge base (docs/interaction-checker.md).")
final class KbCommand {

  /** Where {@code start} and {@code kb} keep knowledge-base versions inside a data directory. */
  static final String STORE = "kb";

  @Mixin HelpOption help;

  @Command(
      name = "import-rxnorm",
      showDefaultValues = true,
      description = {
        "Imports an RxNorm release (full monthly release or the Prescribable Content subset) as a new"
            + " knowledge-base version; a running platform on the same data directory loads it within seconds.",
        "Exit 0 when written, 1 for files that are missing or not in the RRF layout, 2 for a bad flag."
      })
  static final class ImportRxNorm {

    @Mixin HelpOption help;

    @Parameters(
        index = "0",
        paramLabel = "DIR",
        description = "Directory with RXNCONSO.RRF and RXNREL.RRF (or rrf/).")
    Path rrf;

    @Option(
        names = "--data-dir",
        defaultValue = ".vitalflow",
        description = "Data directory of ./vitalflow start.")
    Path dataDir;

    @Option(names = "--store", description = "Knowledge store to write to (default: DATA-DIR/kb).")
    Path store;

    @Option(
        names = "--release",
        description = "Release label for the sources and the version (default: DIR's name).")
    String release;

    /** Runs the import; exit code 0 or 1. */
    int run(PrintStream out, PrintStream err) {
      Path target = store != null ? store : dataDir.resolve(STORE);
      try {
        out.println(RxNormImport.run(rrf, target, release).summary());
        return 0;
      } catch (IllegalArgumentException | UncheckedIOException e) {
        err.println("vitalflow kb import-rxnorm: " + e.getMessage());
        return 1;
      }
    }
  }
}
