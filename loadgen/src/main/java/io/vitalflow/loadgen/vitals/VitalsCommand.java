package io.vitalflow.loadgen.vitals;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.LocalJdbcPassword;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.Ran;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loadgen vitals}: its flags, checked into {@link VitalsOptions}, and the run. */
@Command(
    name = "vitals",
    showDefaultValues = true,
    description = {
      "The ingest benchmark: --rate readings/s as NDJSON batches to the gateway for --duration, then waits"
          + " until every accepted reading is stored in PostgreSQL.",
      "Exit 1 when no reading was accepted or not every accepted reading was stored, 2 for bad"
          + " flags."
    })
public final class VitalsCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's base URL.")
  String url;

  @Option(names = "--rate", defaultValue = "60000", description = "Readings offered per second.")
  String rate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "How long readings are offered.")
  String duration;

  @Option(names = "--patients", defaultValue = "5000", description = "Distinct simulated patients.")
  String patients;

  @Option(names = "--batch", defaultValue = "500", description = "Readings per NDJSON request.")
  String batch;

  @Option(names = "--concurrency", defaultValue = "32", description = "Requests in flight at most.")
  String concurrency;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:54329/vitalflow",
      description = "The PostgreSQL the readings are counted in.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", defaultValue = "postgres", description = "Its user.")
  String jdbcUser;

  @Option(
      names = "--jdbc-password",
      description =
          "Its password (default: the local platform's, from " + ".vitalflow*/postgres.password).")
  String jdbcPassword;

  @Option(
      names = "--drain-timeout",
      defaultValue = "120s",
      description = "How long accepted readings may take to be stored.")
  String drainTimeout;

  @Option(
      names = "--report-dir",
      defaultValue = "loadgen-reports",
      description = "Where the reports go.")
  String reportDir;

  @Mixin AuthFlags auth;

  /** The scopes asked for without {@code --scope}: sending readings, as a device gateway. */
  public static final String SCOPE = "system/Observation.c";

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static VitalsOptions parse(String... args) {
    return Cli.parse(new VitalsCommand(), args).options();
  }

  @Override
  public VitalsOptions options() {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--jdbc-url must be a jdbc:postgresql: URL, got '" + jdbcUrl + "'");
    }
    return new VitalsOptions(
        FlagValues.httpUrl("--url", url),
        FlagValues.positiveInt("--rate", rate),
        FlagValues.positiveDuration("--duration", duration),
        FlagValues.positiveInt("--patients", patients),
        FlagValues.positiveInt("--batch", batch),
        FlagValues.positiveInt("--concurrency", concurrency),
        jdbcUrl,
        jdbcUser,
        jdbcPassword != null ? jdbcPassword : LocalJdbcPassword.read(),
        FlagValues.positiveDuration("--drain-timeout", drainTimeout),
        Path.of(reportDir),
        auth.auth(SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    VitalsOptions options = options();
    var result = new VitalsBenchmark(options, out).run();
    return new Ran(
        VitalsReport.of(result, options),
        options.reportDir(),
        result.accepted() > 0 && result.stored() == result.accepted());
  }
}
