package io.vitalflow.platform.cluster;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link LocalCluster#start} builds.
 *
 * @param dataDir everything of the cluster: broker logs, database, credentials, state, logs
 * @param root the source tree whose {@code <module>/target/*-exec.jar} are started
 * @param version the jars' version
 * @param instances per service, how many instances (0: none)
 * @param fronts HAProxy's port per fronted service; a missing one gets a free port
 * @param fixedPorts instance ports from each service's base port (18100, 18200, ...) instead of
 *     free ones
 * @param postgresPort 0 for a free one
 * @param brokerHeap {@code -Xmx} of each Kafka node
 * @param jvmOptions of every service instance, beside its {@code -Xmx}
 * @param extraEnvironment added to every instance's environment (e.g. topic prefixes in tests)
 */
public record ClusterOptions(
    Path dataDir,
    Path root,
    String version,
    Map<Service, Integer> instances,
    Map<Service, Integer> fronts,
    boolean fixedPorts,
    int postgresPort,
    String brokerHeap,
    List<String> jvmOptions,
    Map<String, String> extraEnvironment) {

  /** JVM options for a crowded two-core machine: one GC thread, exit on out-of-memory. */
  public static final List<String> SMALL_JVM =
      List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1");

  public ClusterOptions {
    instances = copy(instances);
    fronts = copy(fronts);
    jvmOptions = List.copyOf(jvmOptions);
    extraEnvironment = Map.copyOf(extraEnvironment);
  }

  private static Map<Service, Integer> copy(Map<Service, Integer> given) {
    Map<Service, Integer> copy = new EnumMap<>(Service.class);
    given.forEach(
        (service, n) -> {
          if (n > 0) {
            copy.put(service, n);
          }
        });
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** {@code n} instances of every service, free ports everywhere. */
  public static ClusterOptions of(Path dataDir, Path root, String version, int n) {
    Map<Service, Integer> each = new EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      each.put(service, n);
    }
    return new ClusterOptions(
        dataDir, root, version, each, Map.of(), false, 0, "512m", SMALL_JVM, Map.of());
  }

  public int instances(Service service) {
    return instances.getOrDefault(service, 0);
  }

  /** The same with HAProxy on the given ports (the command's 8081, 8082, 8084). */
  public ClusterOptions withFronts(Map<Service, Integer> ports, boolean fixedInstancePorts) {
    return new ClusterOptions(
        dataDir,
        root,
        version,
        instances,
        ports,
        fixedInstancePorts,
        postgresPort,
        brokerHeap,
        jvmOptions,
        extraEnvironment);
  }

  /** The same with {@code env} added to every instance's environment. */
  public ClusterOptions withEnvironment(Map<String, String> env) {
    return new ClusterOptions(
        dataDir,
        root,
        version,
        instances,
        fronts,
        fixedPorts,
        postgresPort,
        brokerHeap,
        jvmOptions,
        env);
  }

  public ClusterOptions withInstances(Service service, int n) {
    Map<Service, Integer> changed = new EnumMap<>(instances);
    changed.put(service, n);
    return new ClusterOptions(
        dataDir,
        root,
        version,
        changed,
        fronts,
        fixedPorts,
        postgresPort,
        brokerHeap,
        jvmOptions,
        extraEnvironment);
  }
}
