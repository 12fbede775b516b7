package io.vitalflow.platform;

import io.vitalflow.loadgen.cli.HelpOption;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags of {@code ./vitalflow start}. Picocli refuses any other flag (a typo must not start a
 * local broker) and generates {@code --help}; the launcher reads the flags that were given through
 * {@link #given()}, with its defaults in {@link LocalPlatform#start()} (shown here for the help).
 */
@Command(
    name = "start",
    showDefaultValues = true,
    description = {
      "The whole platform in one JVM: a local Kafka broker (KRaft) and PostgreSQL unless external ones"
          + " are given, every service, and a device simulator. Stops everything in order on Ctrl-C.",
      "Exit 2 for a bad flag, 1 when the platform failed to start."
    })
final class StartCommand {

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--data-dir",
      defaultValue = ".vitalflow",
      description = "Broker log, database and Streams state (kept across restarts).")
  String dataDir;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of starting one.")
  String kafka;

  @Option(names = "--kafka-port", defaultValue = "19092", description = "Port of the local broker.")
  String kafkaPort;

  @Option(
      names = "--replication-factor",
      defaultValue = "1",
      description = "Replication factor of new topics.")
  String replicationFactor;

  @Option(
      names = "--jdbc-url",
      paramLabel = "jdbc:postgresql://HOST:PORT/DB",
      description = "Use this PostgreSQL/TimescaleDB instead of starting one.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", defaultValue = "postgres", description = "User of --jdbc-url.")
  String jdbcUser;

  @Option(
      names = "--jdbc-password",
      defaultValue = "postgres",
      description = "Password of --jdbc-url.")
  String jdbcPassword;

  @Option(
      names = "--postgres-port",
      defaultValue = "54329",
      description = "Port of the local PostgreSQL.")
  String postgresPort;

  @Option(
      names = "--patients",
      defaultValue = "500",
      description = "Simulated patients (0 turns the simulator off).")
  String patients;

  @Option(
      names = "--interval",
      defaultValue = "5s",
      description = "How often each simulated patient reports.")
  String interval;

  @Option(
      names = "--ingest-port",
      defaultValue = "8081",
      description = "HTTP port of ingest-gateway.")
  String ingestPort;

  @Option(names = "--fhir-port", defaultValue = "8082", description = "HTTP port of fhir-api.")
  String fhirPort;

  @Option(
      names = "--processor-port",
      defaultValue = "8083",
      description = "HTTP port of vitals-stream-processor.")
  String processorPort;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8084",
      description = "HTTP port of dashboard-push.")
  String dashboardPort;

  @Option(
      names = "--auth-port",
      defaultValue = "9000",
      description = "HTTP port of the local authorization server (the services' token issuer).")
  String authPort;

  @Option(
      names = "--services",
      defaultValue = "processor,ingest,fhir,dashboard",
      description = "Start only these (e.g. to measure one path alone).")
  String services;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "The address the HTTP ports listen on (0.0.0.0 opens them to the network).")
  String bind;

  /**
   * The flags given on the command line, by name without {@code --}; flags not given are absent.
   */
  Map<String, String> given() {
    Map<String, String> flags = new HashMap<>();
    var parsed = spec.commandLine().getParseResult();
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && parsed.hasMatchedOption(option)) {
        flags.put(option.longestName().substring(2), option.getValue());
      }
    }
    return flags;
  }
}
