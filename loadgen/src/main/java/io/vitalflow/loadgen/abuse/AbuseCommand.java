package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.abuse.AbuseOptions.Service;
import io.vitalflow.loadgen.auth.AuthFlags;
import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.cli.HelpOption;
import io.vitalflow.loadgen.cli.Scenario;
import io.vitalflow.loadgen.cli.ScenarioDefaults;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ReportFlags;
import io.vitalflow.loadgen.engine.ThresholdFlags;
import io.vitalflow.loadgen.report.RunReport;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loadgen abuse}: its flags, checked into {@link AbuseOptions}, and the run. */
@Command(
    name = "abuse",
    showDefaultValues = true,
    defaultValueProvider = ScenarioDefaults.class,
    description = {
      "For --duration, slowloris, slow bodies, a connection flood and poison writes against the running"
          + " platform beside normal traffic at --rate; then checks the normal traffic's thresholds, that every"
          + " acknowledged reading and Patient is readable, and that every service is UP again.",
      "Exit 1 when a check fails, 2 for bad flags or an unreachable target."
    })
public final class AbuseCommand implements Scenario {

  @Mixin HelpOption help;

  @Option(
      names = "--duration",
      defaultValue = "90s",
      description = "How long the attacks and normal traffic run.")
  String duration;

  @Option(
      names = "--slowloris",
      defaultValue = "200",
      description = "Connections sending headers a byte at a time.")
  String slowloris;

  @Option(
      names = "--slowloris-every",
      defaultValue = "1s",
      description = "Pause between two slowloris bytes.")
  String slowlorisEvery;

  @Option(
      names = "--slow-bodies",
      defaultValue = "50",
      description = "Clients POSTing a large body very slowly.")
  String slowBodies;

  @Option(
      names = "--slow-body-size",
      defaultValue = "4000000",
      description = "Declared Content-Length of a slow body.")
  String slowBodySize;

  @Option(
      names = "--slow-body-rate",
      defaultValue = "16384",
      description = "Bytes per second of each slow body.")
  String slowBodyRate;

  @Option(
      names = "--flood",
      defaultValue = "3000",
      description = "Idle connections the flood holds at most.")
  String flood;

  @Option(
      names = "--flood-ramp",
      defaultValue = "1000",
      description = "Flood connections opened per second at most.")
  String floodRamp;

  @Option(
      names = "--flood-hold",
      defaultValue = "10s",
      description = "How long the flood holds its connections.")
  String floodHold;

  @Option(names = "--poison-rate", defaultValue = "2", description = "Hostile writes per second.")
  String poisonRate;

  @Option(names = "--rate", defaultValue = "10", description = "Normal iterations per second.")
  String rate;

  @Option(names = "--batch", defaultValue = "10", description = "Readings per normal ingest batch.")
  String batch;

  @Option(
      names = "--patients",
      defaultValue = "20",
      description = "Patients the normal readings are spread over.")
  String patients;

  @Option(
      names = "--max-in-flight",
      defaultValue = "64",
      description = "Normal requests open at once at most.")
  String maxInFlight;

  @Mixin ThresholdFlags thresholds;

  @Option(
      names = "--header-within",
      defaultValue = "30s",
      paramLabel = "DURATION|off",
      description = "A slowloris connection kept longer than this is a failure.")
  String headerWithin;

  @Option(
      names = "--body-within",
      defaultValue = "75s",
      paramLabel = "DURATION|off",
      description = "A slow-body connection kept longer than this is a failure.")
  String bodyWithin;

  @Option(
      names = "--attack-from",
      paramLabel = "IP|any",
      description =
          "Local address of the attack sockets (default: 127.0.0.2 when every service is on loopback,"
              + " else any).")
  String attackFrom;

  @Option(
      names = "--recovery-timeout",
      defaultValue = "60s",
      description = "How long every health endpoint may take to answer UP after the attacks.")
  String recoveryTimeout;

  @Option(
      names = "--verify-timeout",
      defaultValue = "60s",
      description = "How long acknowledged writes may take to become readable.")
  String verifyTimeout;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      description = "Response timeout of a normal or poison request.")
  String timeout;

  @Option(
      names = "--id-prefix",
      defaultValue = "abuse",
      description = "Prefix of the ids this run writes.")
  String idPrefix;

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "The ingest gateway's URL.")
  String ingestUrl;

  @Option(
      names = "--fhir-url",
      defaultValue = "http://127.0.0.1:8082/fhir",
      description = "The FHIR base URL.")
  String fhirUrl;

  @Option(
      names = "--api-url",
      defaultValue = "http://127.0.0.1:8082",
      description = "The vitals read API's URL.")
  String apiUrl;

  @Option(
      names = "--processor-url",
      defaultValue = "http://127.0.0.1:8083",
      paramLabel = "URL|off",
      description = "The stream processor (its health is checked; off: not).")
  String processorUrl;

  @Option(
      names = "--dashboard-url",
      defaultValue = "http://127.0.0.1:8084",
      paramLabel = "URL|off",
      description = "The dashboard service (attacked and checked; off: not).")
  String dashboardUrl;

  @Mixin ReportFlags report;

  @Mixin AuthFlags auth;

  /**
   * The scopes asked for without {@code --scope}: the normal traffic, poison writes and checks (the
   * socket attacks send no token, as an attacker would not have one).
   */
  public static final String SCOPE = "system/*.cruds";

  /**
   * The options of {@code args}, or an {@link IllegalArgumentException} naming the bad flag; {@code
   * freeDescriptors} as in {@link AbuseOptions#check}.
   */
  public static AbuseOptions parse(long freeDescriptors, String... args) {
    return Cli.parse(new AbuseCommand(), args).options(freeDescriptors);
  }

  @Override
  public Map<String, String> defaults() {
    return Map.of("p95", "off", "p99", "2s", "max-error-rate", "0.01");
  }

  AbuseOptions options(long freeDescriptors) {
    URI ingest = FlagValues.httpUrl("--ingest-url", ingestUrl);
    URI fhir = FlagValues.httpUrl("--fhir-url", fhirUrl);
    URI api = FlagValues.httpUrl("--api-url", apiUrl);
    List<Service> services = new ArrayList<>();
    services.add(new Service("ingest-gateway", AbuseOptions.origin(ingest)));
    services.add(new Service("fhir-api", AbuseOptions.origin(fhir)));
    AbuseOptions.optionalService(
        processorUrl, "processor-url", "vitals-stream-processor", services);
    AbuseOptions.optionalService(dashboardUrl, "dashboard-url", "dashboard-push", services);
    if (!idPrefix.matches("[A-Za-z0-9.-]{1,20}")) {
      throw new IllegalArgumentException(
          "--id-prefix must be 1-20 of A-Z a-z 0-9 . -, got '" + idPrefix + "'");
    }
    AbuseOptions options =
        new AbuseOptions(
            ingest,
            fhir,
            api,
            services,
            FlagValues.positiveDuration("--duration", duration),
            FlagValues.nonNegativeInt("--slowloris", slowloris),
            FlagValues.positiveDuration("--slowloris-every", slowlorisEvery),
            FlagValues.nonNegativeInt("--slow-bodies", slowBodies),
            FlagValues.positiveInt("--slow-body-size", slowBodySize),
            FlagValues.positiveInt("--slow-body-rate", slowBodyRate),
            FlagValues.nonNegativeInt("--flood", flood),
            FlagValues.positiveInt("--flood-ramp", floodRamp),
            FlagValues.positiveDuration("--flood-hold", floodHold),
            FlagValues.nonNegativeInt("--poison-rate", poisonRate),
            FlagValues.positiveInt("--rate", rate),
            FlagValues.positiveInt("--batch", batch),
            FlagValues.positiveInt("--patients", patients),
            FlagValues.positiveInt("--max-in-flight", maxInFlight),
            thresholds.thresholds(),
            AbuseOptions.limit("--header-within", headerWithin),
            AbuseOptions.limit("--body-within", bodyWithin),
            AbuseOptions.attackFrom(attackFrom, services),
            FlagValues.positiveDuration("--recovery-timeout", recoveryTimeout),
            FlagValues.positiveDuration("--verify-timeout", verifyTimeout),
            FlagValues.positiveDuration("--timeout", timeout),
            idPrefix,
            report.progress(),
            report.reportDir(),
            auth.auth(SCOPE));
    options.check(freeDescriptors);
    return options;
  }

  @Override
  public AbuseOptions options() {
    return options(AbuseScenario.freeDescriptors());
  }

  @Override
  public Ran run(PrintStream out) throws Exception {
    AbuseOptions options = options(AbuseScenario.freeDescriptors());
    RunReport report = new AbuseScenario(options, out).run();
    return new Ran(report, options.reportDir(), report.passed());
  }
}
