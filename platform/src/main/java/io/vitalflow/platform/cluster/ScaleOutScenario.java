package io.vitalflow.platform.cluster;

import io.vitalflow.platform.cluster.GroupAssignments.Member;
import io.vitalflow.platform.cluster.GroupAssignments.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scale-out measurement of issue 17 against a {@link LocalCluster} that runs one processor
 * instance: steady device ingest through HAProxy ({@link FaultLoad}'s device clients and a latency
 * probe), then a second processor instance started while ingest runs ({@link LocalCluster#add}),
 * then steady load again. It records the consumer groups' assignments every second ({@code
 * describeConsumerGroups}) and each instance's counters at the phase boundaries ({@code
 * /actuator/prometheus}, {@code /proc/<pid>/stat}), verifies that every acknowledged reading is
 * stored exactly once and the aggregates equal the recomputation, and reports per instance the
 * partitions and records before and after ({@link ScaleOutReport}). The verdict is the exit code.
 */
public final class ScaleOutScenario {

  /**
   * How long and with what.
   *
   * @param phase steady load with one instance, and again once the assignment settled with two
   * @param devices device threads (each {@code readingsPerSecond})
   * @param readingsPerSecond per device
   * @param settleLimit the longest wait, from the new instance's start, for the assignment to
   *     settle (the run goes on and reports "not settled" after it)
   * @param quiet the assignment counts as settled when it has not changed for this long
   */
  public record Settings(
      Duration phase, int devices, int readingsPerSecond, Duration settleLimit, Duration quiet) {

    /** {@code phase} (e.g. {@code 60s}) around the addition, the fault scenario's device load. */
    public static Settings of(String phase) {
      return new Settings(
          FaultScenario.Settings.full(phase).phase(),
          4,
          25,
          Duration.ofMinutes(4),
          Duration.ofSeconds(10));
    }
  }

  /** One second of the run: acknowledgements so far and the lag sampled (NaN when not). */
  private record Tick(Instant at, long acks, double streamsLag, double sinkLag) {}

  /** One latency-probe request. */
  private record Probe(Instant at, long millis, boolean ok) {}

  private static final Logger log = LoggerFactory.getLogger(ScaleOutScenario.class);
  private static final String WARMUP = "warmup";
  private static final String BEFORE = "before";
  private static final String REBALANCE = "rebalance";
  private static final String AFTER = "after";
  private static final String PROBE_INTERVAL_NOTE = "200 ms";
  private static final Duration WARMUP_TIME = Duration.ofSeconds(10);

  private final LocalCluster cluster;
  private final Settings settings;
  private final Path reportDir;
  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final String applicationId;
  private final List<String> groups;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
  private final List<Tick> ticks = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
  private final Map<String, FaultLoad.Counters> counters = new ConcurrentHashMap<>();
  private volatile String phase = WARMUP;
  private volatile boolean sampling = true;
  private String opsToken;
  private Instant opsTokenAt = Instant.EPOCH;
  private ScaleOutReport.Result result;

  public ScaleOutScenario(LocalCluster cluster, Settings settings, Path reportDir) {
    this.cluster = cluster;
    this.settings = settings;
    this.reportDir = reportDir;
    this.applicationId = "vitalflow-vitals";
    this.groups =
        List.of(
            applicationId,
            applicationId + "-sink-readings",
            applicationId + "-sink-agg-1m",
            applicationId + "-sink-agg-1h",
            applicationId + "-medications",
            "vitalflow-audit-sink");
  }

  public ScaleOutReport.Result result() {
    return result;
  }

  /** Runs, prints the summary, writes the report; 0 when it passed, else 1. */
  public int run(PrintStream out) {
    Map<String, Object> config = new HashMap<>(cluster.kafka().clientConfig());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "vitalflow-scale-out");
    try (Admin admin = Admin.create(config)) {
      result = execute(admin, out);
    }
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path report = reportDir.resolve("scale-out-" + stamp + ".md");
    try {
      Files.createDirectories(reportDir);
      Files.writeString(report, ScaleOutReport.markdown(result, stamp));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report " + report, e);
    }
    out.println(ScaleOutReport.summary(result));
    out.println("Report: " + report.toAbsolutePath());
    out.flush();
    return result.passed() ? 0 : 1;
  }

  private ScaleOutReport.Result execute(Admin admin, PrintStream out) {
    List<ServiceInstance> processors = cluster.instances(Service.PROCESSOR);
    if (processors.size() != 1) {
      throw new IllegalStateException("the scenario starts from one processor instance");
    }
    ServiceInstance existing = processors.get(0);
    String loadBefore = loadAverage();
    Supplier<String> token = new ClusterToken(cluster, "system/Observation.c");
    FaultLoad load =
        new FaultLoad(
            cluster.url(Service.INGEST), cluster.url(Service.FHIR), token, () -> phase, counters);
    List<Thread> threads = new ArrayList<>();
    for (int d = 0; d < settings.devices(); d++) {
      int device = d;
      threads.add(
          started(
              "scale-device-" + d, () -> load.device(run, device, settings.readingsPerSecond())));
    }
    threads.add(started("scale-probe", () -> probe(load, token)));
    Thread sampler = started("scale-sampler", () -> sample(admin));
    try {
      return measured(admin, out, existing, load, threads, sampler, loadBefore);
    } finally {
      load.stop();
      sampling = false;
    }
  }

  private ScaleOutReport.Result measured(
      Admin admin,
      PrintStream out,
      ServiceInstance existing,
      FaultLoad load,
      List<Thread> threads,
      Thread sampler,
      String loadBefore) {
    // connections, tokens and the JIT of the first requests are not the steady state
    Fault.pause(WARMUP_TIME);
    phase = BEFORE;
    Instant t0 = Instant.now();
    Map<String, Map<String, Double>> m0 = measure();
    out.println("Steady ingest with one processor instance for " + seconds(settings.phase()));
    out.flush();
    Fault.pause(settings.phase());
    Snapshot before = snapshot(admin);
    snapshots.add(before);
    Map<String, Map<String, Double>> m1 = measure();
    Instant t1 = Instant.now();

    phase = REBALANCE;
    ServiceInstance added = cluster.add(Service.PROCESSOR);
    out.println("Started " + added.name() + " (pid " + added.pid() + ")");
    out.flush();
    GroupAssignments assignments = new GroupAssignments(existing.name(), added.name(), before);
    added.awaitReady(LocalCluster.START_TIMEOUT);
    Duration ready = Duration.between(t1, Instant.now());
    out.println("  ready after " + seconds(ready));
    out.flush();
    Instant settleDeadline = t1.plus(settings.settleLimit());
    List<String> settling = groups.subList(0, 4);
    while (Instant.now().isBefore(settleDeadline)
        && !assignments.settledFor(snapshots, settling, t1, settings.quiet())) {
      Fault.pause(Duration.ofSeconds(1));
    }
    Map<String, Map<String, Double>> m2 = measure();
    Instant t2 = Instant.now();
    out.println(
        "  assignment "
            + (assignments.settledFor(snapshots, settling, t1, settings.quiet())
                ? "stable"
                : "not stable within " + seconds(settings.settleLimit()))
            + " after "
            + seconds(Duration.between(t1, t2))
            + "; steady ingest with two instances for "
            + seconds(settings.phase()));
    out.flush();

    phase = AFTER;
    Fault.pause(settings.phase());
    Snapshot end = snapshot(admin);
    snapshots.add(end);
    Map<String, Map<String, Double>> m3 = measure();
    Instant t3 = Instant.now();
    load.stop();
    for (Thread thread : threads) {
      join(thread);
    }
    sampling = false;
    join(sampler);
    String loadAfter = loadAverage();
    out.println("Load stopped; verifying what was acknowledged...");
    out.flush();

    List<ScaleOutReport.Groups> owned = new ArrayList<>();
    List<ScaleOutReport.Timing> timings = new ArrayList<>();
    for (String group : groups) {
      owned.add(
          new ScaleOutReport.Groups(
              group, assignments.ownership(before, group), assignments.ownership(end, group)));
      timings.add(
          new ScaleOutReport.Timing(
              group,
              assignments.firstOwned(snapshots, group, t1),
              assignments.settled(snapshots, group, t1)));
    }
    List<ScaleOutReport.Phase> phases =
        List.of(
            phase(BEFORE, t0, t1, delta(m1, m0)),
            phase(REBALANCE, t1, t2, delta(m2, m1)),
            phase(AFTER, t2, t3, delta(m3, m2)));
    long missing = 0;
    long duplicated = 0;
    long[] aggregates;
    String pattern = FaultLoad.patientPattern(run);
    try (Connection db = cluster.database().dataSource().getConnection()) {
      Map<String, Long> stored = StoredReadings.awaitStored(db, pattern, load.acked.size());
      for (FaultLoad.Acked reading : load.acked) {
        long count = stored.getOrDefault(reading.readingId(), 0L);
        if (count == 0) {
          missing++;
        } else if (count > 1) {
          duplicated++;
        }
      }
      aggregates = StoredReadings.aggregates(db, pattern);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot verify against PostgreSQL", e);
    }
    String header =
        String.format(
            "Command: `./vitalflow cluster --scale-out --phase=%s` (one instance of each service,"
                + " a second processor instance added while ingest runs). Load: %d devices x %d"
                + " readings/s through HAProxy and a latency probe (one reading every %s); 10 s"
                + " warm-up (not in the phases, its readings verified with the others), %s"
                + " steady with one processor instance, then the second one, then %s steady once"
                + " the assignment was stable for %s. Load average (1, 5, 15 min) at the start %s,"
                + " at the end %s; %d cores.",
            seconds(settings.phase()).replace(" ", "").replace(".0s", "s"),
            settings.devices(),
            settings.readingsPerSecond(),
            PROBE_INTERVAL_NOTE,
            seconds(settings.phase()),
            seconds(settings.phase()),
            seconds(settings.quiet()),
            loadBefore,
            loadAfter,
            Runtime.getRuntime().availableProcessors());
    return new ScaleOutReport.Result(
        header,
        existing.name(),
        added.name(),
        owned,
        ready,
        timings,
        phases,
        load.acked.size(),
        missing,
        duplicated,
        aggregates,
        groups.get(0),
        groups.get(1));
  }

  private ScaleOutReport.Phase phase(
      String name, Instant from, Instant to, Map<String, Map<String, Double>> measures) {
    FaultLoad.Counters c = counters.getOrDefault(name, new FaultLoad.Counters());
    long lowest = Long.MAX_VALUE;
    double streamsLag = Double.NaN;
    double sinkLag = Double.NaN;
    Tick previous = null;
    for (Tick tick : ticks) {
      if (tick.at().isBefore(from) || tick.at().isAfter(to)) {
        continue;
      }
      if (previous != null) {
        double secs = Duration.between(previous.at(), tick.at()).toMillis() / 1000.0;
        if (secs > 0.5) {
          lowest = Math.min(lowest, (long) Math.floor((tick.acks() - previous.acks()) / secs));
        }
      }
      previous = tick;
      streamsLag = max(streamsLag, tick.streamsLag());
      sinkLag = max(sinkLag, tick.sinkLag());
    }
    List<Long> latencies = new ArrayList<>();
    long failures = 0;
    for (Probe probe : probes) {
      if (probe.at().isBefore(from) || !probe.at().isBefore(to)) {
        continue;
      }
      if (probe.ok()) {
        latencies.add(probe.millis());
      } else {
        failures++;
      }
    }
    latencies.sort(null);
    return new ScaleOutReport.Phase(
        name,
        Duration.between(from, to),
        c.readingsAcked.get(),
        lowest == Long.MAX_VALUE ? 0 : lowest,
        latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2),
        latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1),
        failures,
        streamsLag,
        sinkLag,
        measures);
  }

  private static double max(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    return Double.isNaN(b) ? a : Math.max(a, b);
  }

  /** later - earlier per instance and measure; an instance missing earlier starts from 0. */
  static Map<String, Map<String, Double>> delta(
      Map<String, Map<String, Double>> later, Map<String, Map<String, Double>> earlier) {
    Map<String, Map<String, Double>> delta = new TreeMap<>();
    later.forEach(
        (instance, values) -> {
          Map<String, Double> base = earlier.getOrDefault(instance, Map.of());
          Map<String, Double> d = new TreeMap<>();
          values.forEach((k, v) -> d.put(k, v - base.getOrDefault(k, 0.0)));
          delta.put(instance, d);
        });
    return delta;
  }

  // ---- load: the latency probe

  /** One reading every 200 ms, its latency recorded; acknowledged ones are verified as others. */
  private void probe(FaultLoad load, Supplier<String> token) {
    long n = 0;
    while (load.running()) {
      String patient = "ft-" + run + "-probe-" + (n % 5);
      String readingId = "r-" + run + "-probe-" + n++;
      Instant effective = Instant.now();
      String body =
          "[{\"id\":\""
              + readingId
              + "\",\"patientId\":\""
              + patient
              + "\",\"deviceId\":\"monitor-probe\",\"code\":\"8867-4\",\"value\":"
              + (60 + n % 40)
              + ",\"unit\":\"/min\",\"effectiveTime\":\""
              + effective
              + "\"}]";
      String sentIn = phase;
      long started = System.nanoTime();
      boolean ok = false;
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(cluster.url(Service.INGEST) + "/api/v1/vitals"))
                    .timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + token.get())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        ok = answer.statusCode() == 200 && answer.body().contains("\"accepted\":1");
      } catch (IOException lost) {
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      probes.add(new Probe(effective, millis, ok));
      if (ok) {
        load.acked.add(new FaultLoad.Acked(patient, readingId, effective, sentIn));
      }
      Fault.pause(Duration.ofMillis(Math.max(0, 200 - millis)));
    }
  }

  // ---- what is sampled: groups every second, lag every two

  private void sample(Admin admin) {
    long n = 0;
    while (sampling) {
      Instant at = Instant.now();
      // read with the instant: describing the groups and scraping a starting instance may take a
      // second, and acknowledgements read after it would skew the per-second counts
      long acks = 0;
      for (FaultLoad.Counters c : counters.values()) {
        acks += c.readingsAcked.get();
      }
      try {
        snapshots.add(snapshot(admin));
      } catch (RuntimeException e) {
        log.warn("Cannot describe the consumer groups: {}", e.getClass().getSimpleName());
      }
      double streamsLag = Double.NaN;
      double sinkLag = Double.NaN;
      if (n++ % 2 == 0) {
        for (ServiceInstance instance : cluster.instances(Service.PROCESSOR)) {
          PrometheusText metrics = scrape(instance);
          if (metrics == null) {
            continue;
          }
          for (PrometheusText.Sample s : metrics.samples()) {
            if (!s.name().startsWith("vitalflow_consumer_lag")) {
              continue;
            }
            String group = s.label("group");
            if (group.equals(applicationId)) {
              streamsLag = max(streamsLag, s.value());
            } else if (group.startsWith(applicationId + "-sink-")) {
              sinkLag = max(sinkLag, s.value());
            }
          }
        }
      }
      ticks.add(new Tick(at, acks, streamsLag, sinkLag));
      long spent = Duration.between(at, Instant.now()).toMillis();
      if (sampling) {
        Fault.pause(Duration.ofMillis(Math.max(50, 1000 - spent)));
      }
    }
  }

  private Snapshot snapshot(Admin admin) {
    Instant at = Instant.now();
    Map<String, List<Member>> members = new TreeMap<>();
    Map<String, KafkaFuture<ConsumerGroupDescription>> described =
        admin.describeConsumerGroups(groups).describedGroups();
    for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> entry : described.entrySet()) {
      List<Member> list = new ArrayList<>();
      try {
        for (MemberDescription m : entry.getValue().get(5, TimeUnit.SECONDS).members()) {
          Map<String, SortedSet<Integer>> partitions = new TreeMap<>();
          for (TopicPartition tp : m.assignment().topicPartitions()) {
            partitions.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
          }
          list.add(new Member(m.consumerId(), m.clientId(), partitions));
        }
      } catch (ExecutionException | TimeoutException notNow) {
        // a group that does not exist (yet) or a coordinator moving: no members this second
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      members.put(entry.getKey(), list);
    }
    return new Snapshot(at, members);
  }

  /**
   * Per processor instance: the Streams app's records fetched from the raw topic, each sink's
   * flushed records, and the process's CPU seconds.
   */
  private Map<String, Map<String, Double>> measure() {
    Map<String, Map<String, Double>> all = new TreeMap<>();
    for (ServiceInstance instance : cluster.instances(Service.PROCESSOR)) {
      PrometheusText metrics = scrape(instance);
      if (metrics == null) {
        continue;
      }
      Map<String, Double> values = new TreeMap<>();
      values.put(ScaleOutReport.STREAMS_RECORDS, streamsRecords(metrics, applicationId));
      for (PrometheusText.Sample s : metrics.samples()) {
        if (s.name().equals("vitalflow_sink_batch_records_sum")) {
          values.merge(ScaleOutReport.SINK_PREFIX + s.label("sink"), s.value(), Double::sum);
        }
      }
      double cpu = cpuSeconds(instance.pid());
      if (!Double.isNaN(cpu)) {
        values.put(ScaleOutReport.CPU_SECONDS, cpu);
      }
      all.put(instance.name(), values);
    }
    return all;
  }

  /**
   * What the stream threads of {@code applicationId} (not its {@code -medications} app) processed:
   * {@code kafka_stream_thread_process_total}, all of it from {@code vitals.raw.v1}, the app's only
   * input topic. Not the consumers' per-topic fetch counters: Kafka creates those at the first
   * fetch of a topic and Micrometer's Kafka binder registers new Kafka metrics only every 60 s, so
   * a new instance's counter appears up to a minute late carrying everything fetched since (and
   * Kafka 4.1 reports each under two names, dotted and underscored; the client-level total
   * Micrometer drops beside the per-topic ones). The thread metrics exist from the client's
   * construction, before the binder is bound.
   */
  static double streamsRecords(PrometheusText metrics, String applicationId) {
    return metrics.sum(
        "kafka_stream_thread_process_total",
        s ->
            s.label("thread_id").startsWith(applicationId + "-")
                && s.label("thread_id").contains("-StreamThread-")
                && !s.label("thread_id").startsWith(applicationId + "-medications-"));
  }

  private PrometheusText scrape(ServiceInstance instance) {
    try {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(instance.base() + "/actuator/prometheus"))
                  .timeout(Duration.ofSeconds(5))
                  .header("Authorization", "Bearer " + opsToken())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        log.warn("{} answered /actuator/prometheus with {}", instance.name(), answer.statusCode());
        return null;
      }
      return PrometheusText.parse(answer.body());
    } catch (IOException notNow) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private synchronized String opsToken() {
    if (opsToken == null || Duration.between(opsTokenAt, Instant.now()).toMinutes() >= 2) {
      opsToken = cluster.auth().token("vitalflow/ops");
      opsTokenAt = Instant.now();
    }
    return opsToken;
  }

  /** User + system CPU of a process from {@code /proc/<pid>/stat}; NaN where there is none. */
  static double cpuSeconds(long pid) {
    if (pid <= 0) {
      return Double.NaN;
    }
    try {
      return cpuSecondsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Fields 14 and 15 (utime, stime) after the command name in parentheses, at 100 ticks/s. */
  static double cpuSecondsOf(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / 100.0;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static Thread started(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void join(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String seconds(Duration d) {
    return ScaleOutReport.seconds(d);
  }
}
