package io.vitalflow.platform.cluster;

import io.vitalflow.loadgen.cli.HelpOption;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./vitalflow cluster}: the local cluster ({@link LocalCluster}) until Ctrl-C or SIGTERM, or
 * with {@code --faults} the fault scenario against it ({@link FaultScenario}) or with {@code
 * --scale-out} the scale-out measurement ({@link ScaleOutScenario}), then stops; the exit code is
 * the scenario's verdict.
 */
@Command(
    name = "cluster",
    showDefaultValues = true,
    description = {
      "A cluster on this machine: 3 Kafka nodes (KRaft, replication 3, min.insync.replicas 2,"
          + " SASL/SCRAM), PostgreSQL, the authorization server, N instances of each service as"
          + " java -jar processes and HAProxy in front (docs/deployment.md). Stops everything in"
          + " order on Ctrl-C.",
      "With --faults: runs the fault scenario under load, writes its report and stops; exit 0 when"
          + " nothing was lost, 1 otherwise, 2 for a bad flag or a cluster that did not start.",
      "With --scale-out: one instance of each service, then a second processor instance added"
          + " while ingest runs; reports the partitions and records per instance before and after,"
          + " checks that nothing was lost, and stops (exit code as with --faults)."
    })
public final class ClusterCommand {

  @Mixin HelpOption help;

  @Option(
      names = "--data-dir",
      defaultValue = ".vitalflow-cluster",
      description = "Broker logs, database, credentials, state and logs (kept across runs).")
  Path dataDir;

  @Option(names = "--instances", defaultValue = "2", description = "Instances of each service.")
  int instances;

  @Option(names = "--ingest-port", defaultValue = "8081", description = "HAProxy's gateway front.")
  int ingestPort;

  @Option(names = "--fhir-port", defaultValue = "8082", description = "HAProxy's FHIR API front.")
  int fhirPort;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8084",
      description = "HAProxy's dashboards front.")
  int dashboardPort;

  @Option(names = "--broker-heap", defaultValue = "512m", description = "-Xmx of each Kafka node.")
  String brokerHeap;

  @Option(
      names = "--faults",
      description = "Run the fault scenario against the cluster, then stop (exit code = verdict).")
  boolean faults;

  @Option(
      names = "--scale-out",
      description =
          "Run the scale-out scenario (one processor instance, a second added under load), then"
              + " stop (exit code = verdict).")
  boolean scaleOut;

  @Option(
      names = "--phase",
      defaultValue = "20s",
      description =
          "With --faults: steady load before and after each fault. With --scale-out: steady load"
              + " before the addition and after the assignment settled.")
  String phase;

  @Option(
      names = "--fault",
      split = ",",
      description =
          "With --faults: only these faults, in this order (default: all of ${COMPLETION-CANDIDATES}).")
  List<Fault> only;

  @Option(
      names = "--report-dir",
      defaultValue = "loadgen-reports",
      description = "With --faults or --scale-out: where the report goes.")
  Path reportDir;

  /** Runs; the exit code. */
  public int run(PrintStream out, PrintStream err) throws InterruptedException {
    if (instances < 1 || instances > 4) {
      err.println("vitalflow cluster: --instances must be 1 to 4 (./vitalflow cluster --help)");
      return 2;
    }
    if (faults && scaleOut) {
      err.println("vitalflow cluster: --faults and --scale-out are separate runs");
      return 2;
    }
    Map<Service, Integer> fronts = new EnumMap<>(Service.class);
    fronts.put(Service.INGEST, ingestPort);
    fronts.put(Service.FHIR, fhirPort);
    fronts.put(Service.DASHBOARD, dashboardPort);
    // the scale-out scenario starts from one instance of each service and adds a processor
    ClusterOptions defaults =
        ClusterOptions.of(dataDir, Path.of("."), version(), scaleOut ? 1 : instances);
    ClusterOptions options =
        new ClusterOptions(
                defaults.dataDir(),
                defaults.root(),
                defaults.version(),
                defaults.instances(),
                Map.of(),
                true,
                0,
                brokerHeap,
                ClusterOptions.SMALL_JVM,
                Map.of())
            .withFronts(fronts, true);
    out.println("Starting the cluster in " + dataDir + " (a few minutes on two cores)...");
    LocalCluster cluster;
    try {
      cluster = LocalCluster.start(options);
    } catch (RuntimeException e) {
      err.println("vitalflow cluster: did not start: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cluster.close();
              stopped.countDown();
            },
            "cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("VitalFlow cluster ready:");
    cluster.addresses().forEach(out::println);
    out.println(
        "  memory: 3 Kafka nodes x "
            + brokerHeap
            + ", per instance processor/FHIR 768m, gateway/dashboards 384m, PostgreSQL"
            + " shared_buffers 256MB (docs/deployment.md)");
    out.flush();
    if (faults) {
      int verdict;
      try {
        verdict = new FaultScenario(cluster, settings(), reportDir).run(out);
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println("Stopping the cluster...");
        cluster.close();
      }
      return verdict;
    }
    if (scaleOut) {
      int verdict;
      try {
        verdict =
            new ScaleOutScenario(cluster, ScaleOutScenario.Settings.of(phase), reportDir).run(out);
      } finally {
        Runtime.getRuntime().removeShutdownHook(hook);
        out.println("Stopping the cluster...");
        cluster.close();
      }
      return verdict;
    }
    out.println("Ctrl-C stops everything in order (HAProxy, services, brokers, PostgreSQL).");
    out.flush();
    stopped.await();
    return 0;
  }

  private FaultScenario.Settings settings() {
    FaultScenario.Settings full = FaultScenario.Settings.full(phase);
    return only == null || only.isEmpty() ? full : full.withFaults(only);
  }

  private static String version() {
    String version = ClusterCommand.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0-SNAPSHOT" : version;
  }
}
