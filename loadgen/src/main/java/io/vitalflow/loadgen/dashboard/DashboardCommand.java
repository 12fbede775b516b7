package io.vitalflow.loadgen.dashboard;

import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loadgen dashboard}: its flags, checked into {@link DashboardOptions}, and the run. */
@Command(
    name = "dashboard",
    showDefaultValues = true,
    description = {
      "WebSocket clients connect at --ramp/s, subscribe and stay (ping every --heartbeat) for --duration"
          + " while --readings-rate readings/s of the watched patients go to the gateway; reports connections held,"
          + " server heap (and RSS with --server-pid) per connection, frames/s by type, reading->frame percentiles.",
      "Exit 1 when not every connection was held, 2 for bad flags or an unreachable target."
    })
public final class DashboardCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--dashboard-url",
      defaultValue = "ws://127.0.0.1:8084",
      paramLabel = "URL[,URL...]",
      description =
          "ws(s) base URLs of dashboard-push instances; connections are spread over them.")
  String dashboardUrl;

  @Option(
      names = "--connections",
      defaultValue = "1000",
      description = "Dashboard clients to open.")
  String connections;

  @Option(names = "--ramp", defaultValue = "500", description = "Connections opened per second.")
  String ramp;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "How long the clients stay once all connected.")
  String duration;

  @Option(names = "--patients", defaultValue = "1000", description = "Distinct patients watched.")
  String patients;

  @Option(
      names = "--patients-per-client",
      defaultValue = "10",
      description = "Patients in one client's subscription (ignored with --ward).")
  String patientsPerClient;

  @Option(
      names = "--ward",
      description = "Every client subscribes to this ward (the patients are assigned to it).")
  String ward;

  @Option(
      names = "--readings-rate",
      defaultValue = "0",
      description = "Readings per second to the gateway.")
  String readingsRate;

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's URL.")
  String ingestUrl;

  @Option(
      names = "--source-addresses",
      paramLabel = "IP[,IP...]",
      description =
          "Local addresses the connections are bound to, round robin (default: the system's choice).")
  String sourceAddresses;

  @Option(names = "--heartbeat", defaultValue = "15s", description = "How often each client pings.")
  String heartbeat;

  @Option(
      names = "--server-pid",
      paramLabel = "PID[,PID...]",
      description = "Local process ids of the servers: RSS, and a GC before each heap sample.")
  String serverPid;

  @Option(
      names = "--latency-every",
      defaultValue = "1",
      description = "Every n-th connection parses its frames for the latency.")
  String latencyEvery;

  @Option(
      names = "--settle",
      defaultValue = "5s",
      description = "Wait after the ramp before memory is sampled.")
  String settle;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /**
   * The scopes asked for without {@code --scope}: watching any patient, sending the readings, the
   * server's heap from its actuator; with {@code --ward} also moving the patients onto it.
   */
  public static final String SCOPE = "system/Observation.rs system/Observation.c vitalflow/ops";

  /** Added to {@link #SCOPE} with {@code --ward}. */
  public static final String WARD_SCOPE = "vitalflow/wards.admin";

  /** The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag. */
  public static DashboardOptions parse(String... args) {
    return Cli.parse(new DashboardCommand(), args).options();
  }

  @Override
  public DashboardOptions options() {
    int patientCount = FlagValues.positiveInt("--patients", patients);
    int perClient = FlagValues.positiveInt("--patients-per-client", patientsPerClient);
    if (perClient > patientCount) {
      throw new IllegalArgumentException(
          "--patients-per-client ("
              + perClient
              + ") must not exceed --patients ("
              + patientCount
              + ")");
    }
    if (perClient > 500) {
      throw new IllegalArgumentException(
          "--patients-per-client must be at most 500 (the server's"
              + " max-patients-per-subscription), got "
              + perClient);
    }
    if (ward != null && !ward.matches("[A-Za-z0-9.-]{1,64}")) {
      throw new IllegalArgumentException(
          "--ward must be 1 to 64 letters, digits, '-' or '.', got '" + ward + "'");
    }
    return new DashboardOptions(
        DashboardOptions.wsUrls(dashboardUrl),
        FlagValues.positiveInt("--connections", connections),
        FlagValues.positiveInt("--ramp", ramp),
        FlagValues.duration("--duration", duration),
        patientCount,
        perClient,
        ward,
        FlagValues.nonNegativeInt("--readings-rate", readingsRate),
        FlagValues.httpUrl("--ingest-url", ingestUrl),
        DashboardOptions.addresses(sourceAddresses),
        FlagValues.positiveDuration("--heartbeat", heartbeat),
        DashboardOptions.pids(serverPid),
        FlagValues.positiveInt("--latency-every", latencyEvery),
        FlagValues.duration("--settle", settle),
        report.progress(),
        report.reportDir(),
        auth.auth(ward != null ? SCOPE + " " + WARD_SCOPE : SCOPE));
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    DashboardOptions options = options();
    DashboardBenchmark.Result result = new DashboardBenchmark(options, out).run();
    return new Ran(DashboardReport.of(result, options), options.reportDir(), result.passed());
  }
}
