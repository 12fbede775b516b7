package io.vitalflow.loadgen;

import io.vitalflow.loadgen.engine.Stages;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.vitalflow.loadgen.OperationMix.Operation;

/**
 * Scenario "FHIR CRUD mix", the replaced system's k6 test: seeds Patients through {@code batch} Bundles, then
 * runs virtual users in stages (closed model: each user sends one request, waits for the answer, thinks, and
 * goes on), each iteration a read of a known Patient, a create, or a delete of a Patient that user created.
 * Latency is per request, from send to the whole response; as in any closed model, a slow server also lowers
 * the offered load, so read the throughput together with the percentiles.
 */
final class FhirBenchmark {

  static final String FHIR_JSON = "application/fhir+json";

  /** Setup failed (server unreachable, seeding created nothing): reported as one line, no stack trace. */
  static final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;

    ScenarioException(String message) {
      super(message);
    }
  }

  record Seeding(int requested, int created, int bundles, int failedBundles, Map<String, Long> bundleFailures,
      double seconds, Histogram bundleLatency) {

    double perSecond() {
      return seconds > 0 ? created / seconds : 0;
    }
  }

  record OperationResult(Operation operation, long count, long errors, Map<String, Long> errorKinds,
      Histogram latency) {
  }

  record Result(Seeding seeding, List<OperationResult> operations, long substitutedCreates, double seconds,
      int peakVirtualUsers, Histogram latency, long requests, long errors, List<String> violations) {

    boolean passed() {
      return violations.isEmpty();
    }
  }

  private static final Pattern LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern RESOURCE_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private final FhirOptions options;
  private final PrintStream out;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService completions;
  private final Map<Operation, OperationStats> stats = new EnumMap<>(Operation.class);
  private final AtomicLong substitutedCreates = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong createSequence = new AtomicLong();
  private final String mrnPrefix = "LG-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  private final URI patientEndpoint;
  private volatile String[] seededIds = new String[0];
  private volatile boolean finished;

  FhirBenchmark(FhirOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    // a few threads for the client's completions: its default executor grows a thread per answer in flight
    this.completions = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        daemon("fhir-http"));
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(completions)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("fhir-virtual-users"));
    this.patientEndpoint = options.resolve("Patient");
    for (Operation operation : Operation.values()) {
      stats.put(operation, new OperationStats(operation));
    }
  }

  Result run() throws ScenarioException, InterruptedException {
    try {
      checkReachable();
      Seeding seeding = seed();
      return load(seeding);
    } finally {
      scheduler.shutdownNow();
      completions.shutdownNow();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private void checkReachable() throws ScenarioException, InterruptedException {
    URI metadata = options.resolve("metadata");
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(metadata).timeout(Duration.ofSeconds(5))
          .header("Accept", FHIR_JSON).GET().build(), HttpResponse.BodyHandlers.discarding());
      out.printf(Locale.ROOT, "fhir: %s answers GET /metadata with HTTP %d%n", options.fhirBase(),
          response.statusCode());
    } catch (IOException e) {
      throw new ScenarioException("cannot reach " + options.fhirBase() + ": " + failureKind(e));
    }
  }

  // ---- seeding ----

  private Seeding seed() throws ScenarioException, InterruptedException {
    int requested = options.seedPatients();
    if (requested == 0) {
      out.println("fhir: seeding skipped (--seed-patients=0); reads go to Patients created during the run");
      return new Seeding(0, 0, 0, 0, Map.of(), 0, new Histogram(3));
    }
    out.printf(Locale.ROOT, "fhir: seeding %,d Patients in batch Bundles of %d, %d in flight, to %s%n", requested,
        options.seedBatch(), options.seedConcurrency(), options.fhirBase());
    FhirPatients patients = new FhirPatients(mrnPrefix + "S", new SplittableRandom(mrnPrefix.hashCode()));
    Semaphore slots = new Semaphore(options.seedConcurrency());
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    OperationStats bundles = new OperationStats(Operation.CREATE);
    AtomicInteger created = new AtomicInteger();
    long start = System.nanoTime();
    long nextProgress = start + options.progressEvery().toNanos();
    int sent = 0;
    for (int first = 0; first < requested; first += options.seedBatch()) {
      int count = Math.min(options.seedBatch(), requested - first);
      String body = patients.batch(first, count);
      slots.acquire();
      long sendTime = System.nanoTime();
      http.sendAsync(post(options.fhirBase(), body), HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, error) -> {
            try {
              String failure = error != null ? failureKind(error)
                  : response.statusCode() != 200 ? "HTTP " + response.statusCode() : null;
              if (failure == null) {
                List<String> bundleIds = new ArrayList<>(count);
                collectPatientIds(response.body(), bundleIds);
                ids.addAll(bundleIds);
                created.addAndGet(bundleIds.size());
                if (bundleIds.size() < count) {
                  failure = "entries without a Patient location";
                }
              }
              bundles.record((System.nanoTime() - sendTime) / 1000, failure);
            } finally {
              slots.release();
            }
          });
      sent++;
      if (System.nanoTime() >= nextProgress) {
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "  seeding %5.0fs  %,d of %,d Patients created, %,.0f/s, failed bundles %,d%n",
            seconds, created.get(), requested, created.get() / seconds, bundles.errors());
        nextProgress += options.progressEvery().toNanos();
      }
    }
    slots.acquire(options.seedConcurrency());
    double seconds = (System.nanoTime() - start) / 1e9;
    seededIds = ids.toArray(String[]::new);
    Seeding seeding = new Seeding(requested, seededIds.length, sent, (int) bundles.errors(), bundles.errorKinds(),
        seconds, bundles.harvest());
    printSeeding(seeding);
    if (seeding.created() == 0) {
      throw new ScenarioException("seeding created no Patient at " + options.fhirBase() + " "
          + seeding.bundleFailures() + " (--seed-patients=0 skips seeding)");
    }
    return seeding;
  }

  /** Adds the ids of {@code entry.response.location} = {@code [base/]Patient/{id}[/_history/{v}]}. */
  static void collectPatientIds(String batchResponse, List<String> ids) {
    Matcher location = LOCATION.matcher(batchResponse);
    while (location.find()) {
      String id = patientId(location.group(1));
      if (id != null) {
        ids.add(id);
      }
    }
  }

  /** The id in a location such as {@code Patient/123/_history/1} or {@code http://h/fhir/Patient/123}. */
  static String patientId(String location) {
    int at = location.lastIndexOf("Patient/");
    if (at < 0) {
      return null;
    }
    String rest = location.substring(at + "Patient/".length());
    int slash = rest.indexOf('/');
    String id = slash < 0 ? rest : rest.substring(0, slash);
    return id.isEmpty() ? null : id;
  }

  // ---- load ----

  private Result load(Seeding seeding) throws InterruptedException {
    Stages stages = options.stages();
    out.printf(Locale.ROOT, "fhir: load %s (peak %,d virtual users, %d s), think %s, mix %s, against %s%n",
        stages, stages.peak(), stages.total().toSeconds(), options.think(), options.mix(), patientEndpoint);
    List<VirtualUser> active = new ArrayList<>();
    Histogram all = new Histogram(3);
    long start = System.nanoTime();
    long end = start + stages.total().toNanos();
    long progressNanos = options.progressEvery().toNanos();
    long nextProgress = start + progressNanos;
    long lastCount = 0;
    long lastProgress = start;
    int nextUser = 0;
    for (long now = start; now < end; now = System.nanoTime()) {
      int target = stages.targetAt(now - start);
      while (active.size() < target) {
        VirtualUser user = new VirtualUser(nextUser++);
        active.add(user);
        running.incrementAndGet();
        scheduler.execute(user::iterate);
      }
      while (active.size() > target) {
        active.remove(active.size() - 1).stopRequested = true;
      }
      if (now >= nextProgress) {
        harvest(all);
        long count = requests();
        out.printf(Locale.ROOT, "  %5ds  VUs %,5d  %,9.0f req/s  errors %,d (%.2f%%)  p99 so far %8.3f ms  left %ds%n",
            TimeUnit.NANOSECONDS.toSeconds(now - start), active.size(),
            (count - lastCount) / ((now - lastProgress) / 1e9),
            errors(), count == 0 ? 0.0 : errors() * 100.0 / count, all.getValueAtPercentile(99) / 1000.0,
            TimeUnit.NANOSECONDS.toSeconds(end - now));
        lastCount = count;
        lastProgress = now;
        nextProgress += progressNanos;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.MILLISECONDS.toNanos(20), Math.max(0, end - System.nanoTime())));
    }
    finished = true;
    active.forEach(user -> user.stopRequested = true);
    long drainDeadline = System.nanoTime() + options.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    while (running.get() > 0 && System.nanoTime() < drainDeadline) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    harvest(all);
    List<OperationResult> operations = new ArrayList<>();
    for (OperationStats s : stats.values()) {
      operations.add(new OperationResult(s.operation(), s.count(), s.errors(), s.errorKinds(), s.total()));
    }
    long requests = requests();
    long errors = errors();
    Result result = new Result(seeding, operations, substitutedCreates.get(), seconds, stages.peak(), all,
        requests, errors, options.thresholds().violations(all, requests, errors));
    printLoad(result);
    return result;
  }

  private void harvest(Histogram all) {
    for (OperationStats s : stats.values()) {
      all.add(s.harvest());
    }
  }

  private long requests() {
    return stats.values().stream().mapToLong(OperationStats::count).sum();
  }

  private long errors() {
    return stats.values().stream().mapToLong(OperationStats::errors).sum();
  }

  /**
   * One virtual user: a chain of iterations, each started by the scheduler thread after the previous answer and
   * the think time, so the user's own list of created ids is only ever touched by one step at a time.
   */
  private final class VirtualUser {
    private final int number;
    private final List<String> created = new ArrayList<>();
    private volatile boolean stopRequested;

    VirtualUser(int number) {
      this.number = number;
    }

    void iterate() {
      if (stopRequested || finished) {
        running.decrementAndGet();
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Operation operation = options.mix().pick(random.nextDouble());
      String[] seeded = seededIds;
      String target = null;
      if (operation == Operation.READ && seeded.length + created.size() > 0) {
        int pick = random.nextInt(seeded.length + created.size());
        target = pick < seeded.length ? seeded[pick] : created.get(pick - seeded.length);
      } else if (operation == Operation.DELETE && !created.isEmpty()) {
        int pick = random.nextInt(created.size());
        target = created.get(pick);
        created.set(pick, created.get(created.size() - 1));
        created.remove(created.size() - 1);
      }
      if (operation != Operation.CREATE && target == null) {
        substitutedCreates.incrementAndGet();
        operation = Operation.CREATE;
      }
      HttpRequest request = switch (operation) {
        case READ -> HttpRequest.newBuilder(URI.create(patientEndpoint + "/" + target)).timeout(options.timeout())
            .header("Accept", FHIR_JSON).GET().build();
        case DELETE -> HttpRequest.newBuilder(URI.create(patientEndpoint + "/" + target))
            .timeout(options.timeout()).DELETE().build();
        case CREATE -> post(patientEndpoint, new FhirPatients(mrnPrefix + "V" + number + "-", random)
            .patient(createSequence.incrementAndGet()));
      };
      Operation op = operation;
      long sendTime = System.nanoTime();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        long micros = (System.nanoTime() - sendTime) / 1000;
        String failure = error != null ? failureKind(error) : unexpected(op, response);
        if (failure == null && op == Operation.CREATE) {
          String id = createdId(response);
          if (id == null) {
            failure = "create without id";
          } else {
            created.add(id);
          }
        }
        stats.get(op).record(micros, failure);
        long think = options.think().nanos(ThreadLocalRandom.current());
        try {
          scheduler.schedule(this::iterate, think, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          running.decrementAndGet();
        }
      });
    }
  }

  /** Why a response does not count as a success of {@code operation}, or null when it does. */
  static String unexpected(Operation operation, HttpResponse<String> response) {
    int status = response.statusCode();
    boolean ok = switch (operation) {
      case READ -> status == 200 && response.body().contains("\"Patient\"");
      case CREATE -> status == 201;
      case DELETE -> status == 200 || status == 204;
    };
    if (ok) {
      return null;
    }
    return operation == Operation.READ && status == 200 ? "200 without a Patient" : "HTTP " + status;
  }

  /** The new id from the {@code Location} header, else from the returned resource. */
  static String createdId(HttpResponse<String> response) {
    String id = response.headers().firstValue("Location").map(FhirBenchmark::patientId).orElse(null);
    if (id == null && response.body() != null) {
      Matcher matcher = RESOURCE_ID.matcher(response.body());
      id = matcher.find() ? matcher.group(1) : null;
    }
    return id;
  }

  static String failureKind(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    return cause.getClass().getSimpleName();
  }

  private static HttpRequest post(URI uri, String body) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", FHIR_JSON)
        .header("Accept", FHIR_JSON).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
  }

  // ---- report ----

  private void printSeeding(Seeding s) {
    out.printf(Locale.ROOT, "fhir: seeded %,d of %,d Patients in %.1f s: %,.0f Patients/s; %,d bundles, %,d failed%s;"
        + " bundle latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", s.created(), s.requested(), s.seconds(),
        s.perSecond(), s.bundles(), s.failedBundles(), s.bundleFailures().isEmpty() ? "" : " " + s.bundleFailures(),
        s.bundleLatency().getValueAtPercentile(50) / 1000.0, s.bundleLatency().getValueAtPercentile(99) / 1000.0,
        s.bundleLatency().getMaxValue() / 1000.0);
  }

  private void printLoad(Result r) {
    out.println();
    out.println("== FHIR CRUD mix ==");
    if (r.seeding().requested() > 0) {
      out.printf(Locale.ROOT, "seeding     %,d Patients in %.1f s (%,.0f/s), %,d batch Bundles, %,d failed%n",
          r.seeding().created(), r.seeding().seconds(), r.seeding().perSecond(), r.seeding().bundles(),
          r.seeding().failedBundles());
    }
    out.printf(Locale.ROOT, "load        %.1f s, stages %s, peak %,d VUs, think %s, mix %s%n", r.seconds(),
        options.stages(), r.peakVirtualUsers(), options.think(), options.mix());
    out.printf(Locale.ROOT, "%-9s %12s %10s %9s %9s %9s %9s %9s %10s%n", "operation", "count", "rate/s",
        "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms", "errors");
    for (OperationResult o : r.operations()) {
      printRow(o.operation().label(), o.count(), o.errors(), o.latency(), r.seconds());
    }
    printRow("all", r.requests(), r.errors(), r.latency(), r.seconds());
    out.printf(Locale.ROOT, "error rate  %.3f%% (%,d of %,d)%n",
        r.requests() == 0 ? 0.0 : r.errors() * 100.0 / r.requests(), r.errors(), r.requests());
    for (OperationResult o : r.operations()) {
      o.errorKinds().forEach((kind, n) ->
          out.printf(Locale.ROOT, "  %-7s %-28s %,d%n", o.operation().label(), kind, n));
    }
    if (r.substitutedCreates() > 0) {
      out.printf(Locale.ROOT, "substituted %,d reads/deletes became creates (the user had no Patient to target yet)%n",
          r.substitutedCreates());
    }
    out.printf(Locale.ROOT, "thresholds  %s: %s%n", options.thresholds(),
        r.passed() ? "PASSED" : "FAILED (" + String.join("; ", r.violations()) + ")");
  }

  private void printRow(String label, long count, long errors, Histogram latency, double seconds) {
    out.printf(Locale.ROOT, "%-9s %,12d %,10.1f %9.3f %9.3f %9.3f %9.3f %9.3f %,10d%n", label, count,
        count / seconds, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(95) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
        latency.getMaxValue() / 1000.0, errors);
  }
}
