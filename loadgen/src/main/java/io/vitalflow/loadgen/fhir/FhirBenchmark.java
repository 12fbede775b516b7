package io.vitalflow.loadgen.fhir;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.LoadRunner;
import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.engine.OpenModelNotes;
import io.vitalflow.loadgen.engine.Outcome;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.engine.Stages.Stage;
import io.vitalflow.loadgen.engine.Workload;
import io.vitalflow.loadgen.fhir.OperationMix.Operation;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Setting;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Scenario 1 "FHIR CRUD mix", the replaced system's k6 test: seeds Patients through {@code batch}
 * Bundles, then runs the load model (k6's virtual users with think time, or an open arrival rate),
 * each iteration a read of a known Patient, a create, or a delete of a Patient the run created.
 */
public final class FhirBenchmark {

  public static final String FHIR_JSON = "application/fhir+json";

  /**
   * Setup failed (server unreachable, seeding created nothing): reported as one line, no stack
   * trace.
   */
  record Seeding(
      int requested,
      int created,
      int bundles,
      int failedBundles,
      Map<String, Long> bundleFailures,
      double seconds,
      Histogram bundleLatency) {

    double perSecond() {
      return seconds > 0 ? created / seconds : 0;
    }
  }

  /** What a run gives: the seeding, the load phase as measured, and its report. */
  public record Result(
      Seeding seeding, LoadResult load, long substitutedCreates, RunReport report) {

    boolean passed() {
      return report.passed();
    }
  }

  private static final Pattern LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern RESOURCE_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private final FhirOptions options;
  private final PrintStream out;
  private HttpLoadClient http;
  private final AtomicLong substitutedCreates = new AtomicLong();
  private final AtomicLong createSequence = new AtomicLong();
  private final String mrnPrefix = "LG-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  private final URI patientEndpoint;

  /** Patients this run created and has not deleted: reads and deletes may target them. */
  private final ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();

  private volatile String[] seededIds = new String[0];

  public FhirBenchmark(FhirOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.patientEndpoint = options.resolve("Patient");
  }

  public Result run() throws ScenarioException, InterruptedException {
    try {
      Seeding seeding = prepare();
      warmUp();
      Instant started = Instant.now();
      out.printf(
          Locale.ROOT,
          "fhir: load %s, mix %s, against %s%n",
          LoadModels.describe(options.model()),
          options.mix(),
          patientEndpoint);
      LoadResult load =
          new LoadRunner(options.model(), options.progressEvery(), out, "fhir").run(this::iterate);
      return new Result(seeding, load, substitutedCreates.get(), report(started, seeding, load));
    } finally {
      close();
    }
  }

  /**
   * {@code --warmup}: the mix at the model's peak (users or arrivals per second), its outcomes
   * dropped. A measured run that starts cold measures the JIT of both ends as much as the server:
   * on a 2-core machine a fresh client took over 30 s to reach its steady rate, and those seconds
   * made most of the run's 99th percentile.
   */
  private void warmUp() throws InterruptedException {
    Duration warmup = options.warmup();
    if (warmup.isZero()) {
      return;
    }
    out.printf(Locale.ROOT, "fhir: warm-up for %d s (not measured)%n", warmup.toSeconds());
    LoadResult result =
        new LoadRunner(warmupModel(options.model(), warmup), options.progressEvery(), out, "warmup")
            .run(this::iterate);
    out.printf(
        Locale.ROOT,
        "fhir: warm-up done, %,.0f req/s; measuring from now%n",
        result.all().perSecond());
  }

  /** {@code model} held at its peak for {@code warmup}, after a ramp of a tenth of it. */
  static LoadModel warmupModel(LoadModel model, Duration warmup) {
    if (model instanceof LoadModel.Closed closed) {
      return new LoadModel.Closed(heldAt(closed.stages().peak(), warmup), closed.think());
    }
    LoadModel.Open open = (LoadModel.Open) model;
    return new LoadModel.Open(heldAt(open.rates().peak(), warmup), open.maxInFlight());
  }

  private static Stages heldAt(int peak, Duration total) {
    Duration ramp = total.dividedBy(10);
    return new Stages(List.of(new Stage(ramp, peak), new Stage(total.minus(ramp), peak)));
  }

  /**
   * Checks the server answers and seeds it; after this, {@link #workload()} has Patients to read.
   */
  public Seeding prepare() throws ScenarioException, InterruptedException {
    if (http == null) {
      http = new HttpLoadClient(options.connections(), options.timeout(), options.auth().open(out));
    }
    checkReachable();
    return seed();
  }

  /** The CRUD mix as a workload, for other drivers (the breaking-point search). */
  public Workload workload() {
    return this::iterate;
  }

  /** Releases the HTTP client; {@link #run()} does this itself. */
  public void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }

  private void checkReachable() throws ScenarioException, InterruptedException {
    try {
      HttpLoadClient.Answer answer =
          http.get(options.resolve("metadata"), FHIR_JSON)
              .get(options.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      out.printf(
          Locale.ROOT,
          "fhir: %s answers GET /metadata with HTTP %d%n",
          options.fhirBase(),
          answer.status());
    } catch (ExecutionException | TimeoutException e) {
      throw new ScenarioException(
          "cannot reach " + options.fhirBase() + ": " + HttpLoadClient.failureKind(e));
    }
  }

  // ---- seeding ----

  private Seeding seed() throws ScenarioException, InterruptedException {
    int requested = options.seedPatients();
    if (requested == 0) {
      out.println(
          "fhir: seeding skipped (--seed-patients=0); reads go to Patients created during the run");
      return new Seeding(0, 0, 0, 0, Map.of(), 0, new Histogram(3));
    }
    out.printf(
        Locale.ROOT,
        "fhir: seeding %,d Patients in batch Bundles of %d, %d in flight, to %s%n",
        requested,
        options.seedBatch(),
        options.seedConcurrency(),
        options.fhirBase());
    FhirPatients patients =
        new FhirPatients(mrnPrefix + "S", new SplittableRandom(mrnPrefix.hashCode()));
    Semaphore slots = new Semaphore(options.seedConcurrency());
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    Meters bundles = new Meters();
    AtomicInteger createdCount = new AtomicInteger();
    long start = System.nanoTime();
    long nextProgress = start + options.progressEvery().toNanos();
    int sent = 0;
    for (int first = 0; first < requested; first += options.seedBatch()) {
      int count = Math.min(options.seedBatch(), requested - first);
      String body = patients.batch(first, count);
      slots.acquire();
      long sendTime = System.nanoTime();
      http.post(options.fhirBase(), FHIR_JSON, body)
          .whenComplete(
              (answer, error) -> {
                try {
                  String failure =
                      error != null
                          ? HttpLoadClient.failureKind(error)
                          : answer.status() != 200 ? "HTTP " + answer.status() : null;
                  if (failure == null) {
                    List<String> bundleIds = new ArrayList<>(count);
                    collectPatientIds(answer.body(), bundleIds);
                    ids.addAll(bundleIds);
                    createdCount.addAndGet(bundleIds.size());
                    if (bundleIds.size() < count) {
                      failure = "entries without a Patient location";
                    }
                  }
                  bundles.record(
                      new Outcome("bundle", failure), (System.nanoTime() - sendTime) / 1000);
                } finally {
                  slots.release();
                }
              });
      sent++;
      if (System.nanoTime() >= nextProgress) {
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
            Locale.ROOT,
            "  seeding %5.0fs  %,d of %,d Patients created, %,.0f/s, failed bundles %,d%n",
            seconds,
            createdCount.get(),
            requested,
            createdCount.get() / seconds,
            bundles.errors());
        nextProgress += options.progressEvery().toNanos();
      }
    }
    slots.acquire(options.seedConcurrency());
    double seconds = (System.nanoTime() - start) / 1e9;
    seededIds = ids.toArray(String[]::new);
    bundles.harvest();
    OperationSummary summary = bundles.summaries(seconds).get(0);
    Seeding seeding =
        new Seeding(
            requested,
            seededIds.length,
            sent,
            (int) summary.errors(),
            summary.errorKinds(),
            seconds,
            summary.latencyMicros());
    printSeeding(seeding);
    if (seeding.created() == 0) {
      throw new ScenarioException(
          "seeding created no Patient at "
              + options.fhirBase()
              + " "
              + seeding.bundleFailures()
              + " (--seed-patients=0 skips seeding)");
    }
    return seeding;
  }

  /**
   * Adds the ids of {@code entry.response.location} = {@code [base/]Patient/{id}[/_history/{v}]}.
   */
  static void collectPatientIds(String batchResponse, List<String> ids) {
    Matcher location = LOCATION.matcher(batchResponse);
    while (location.find()) {
      String id = patientId(location.group(1));
      if (id != null) {
        ids.add(id);
      }
    }
  }

  /**
   * The id in a location such as {@code Patient/123/_history/1} or {@code
   * http://h/fhir/Patient/123}.
   */
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

  /**
   * One iteration of the mix. Reads target a seeded or created Patient; deletes take a created one
   * out of the pool, so no two deletes hit the same Patient; with nothing to target yet, the
   * iteration creates instead.
   */
  private CompletionStage<Outcome> iterate(int user, RandomGenerator random) {
    Operation operation = options.mix().pick(random.nextDouble());
    String target = null;
    if (operation == Operation.READ) {
      target = readTarget(random);
    } else if (operation == Operation.DELETE) {
      target = created.poll();
    }
    if (operation != Operation.CREATE && target == null) {
      substitutedCreates.incrementAndGet();
      operation = Operation.CREATE;
    }
    Operation op = operation;
    CompletableFuture<HttpLoadClient.Answer> answer =
        switch (op) {
          case READ -> http.get(URI.create(patientEndpoint + "/" + target), FHIR_JSON);
          case DELETE -> http.delete(URI.create(patientEndpoint + "/" + target));
          case CREATE ->
              http.post(
                  patientEndpoint,
                  FHIR_JSON,
                  new FhirPatients(mrnPrefix + "V" + user + "-", random)
                      .patient(createSequence.incrementAndGet()));
        };
    return answer.handle(
        (response, error) -> {
          String failure =
              error != null ? HttpLoadClient.failureKind(error) : unexpected(op, response);
          if (failure == null && op == Operation.CREATE) {
            String id = createdId(response);
            if (id == null) {
              failure = "create without id";
            } else {
              created.add(id);
            }
          }
          return new Outcome(op.label(), failure);
        });
  }

  private String readTarget(RandomGenerator random) {
    String[] seeded = seededIds;
    if (seeded.length > 0) {
      return seeded[random.nextInt(seeded.length)];
    }
    return created.peek();
  }

  /** Why a response does not count as a success of {@code operation}, or null when it does. */
  static String unexpected(Operation operation, HttpLoadClient.Answer response) {
    int status = response.status();
    boolean ok =
        switch (operation) {
          case READ -> status == 200 && response.body().contains("\"Patient\"");
          case CREATE -> status == 201;
          case DELETE -> status == 200 || status == 204;
        };
    if (ok) {
      return null;
    }
    return operation == Operation.READ && status == 200
        ? "200 without a Patient"
        : "HTTP " + status;
  }

  /** The new id from the {@code Location} header, else from the returned resource. */
  static String createdId(HttpLoadClient.Answer response) {
    String location = response.header("Location");
    String id = location == null ? null : patientId(location);
    if (id == null && response.body() != null) {
      Matcher matcher = RESOURCE_ID.matcher(response.body());
      id = matcher.find() ? matcher.group(1) : null;
    }
    return id;
  }

  // ---- report ----

  private RunReport report(Instant started, Seeding seeding, LoadResult load) {
    List<Setting> settings =
        new ArrayList<>(
            List.of(
                new Setting("target", patientEndpoint.toString()),
                new Setting("load model", LoadModels.describe(options.model())),
                new Setting(
                    "warm-up",
                    options.warmup().isZero()
                        ? "none"
                        : options.warmup().toSeconds() + " s at the peak, not measured"),
                new Setting("mix", options.mix().toString()),
                new Setting("connections", options.connections() + " keep-alive"),
                new Setting("request timeout", options.timeout().toMillis() + " ms")));
    if (seeding.requested() > 0) {
      settings.add(
          new Setting(
              "seeding",
              String.format(
                  Locale.ROOT,
                  "%,d of %,d Patients in %.1f s (%,.0f/s) by %,d batch Bundles of %d, %,d failed",
                  seeding.created(),
                  seeding.requested(),
                  seeding.seconds(),
                  seeding.perSecond(),
                  seeding.bundles(),
                  options.seedBatch(),
                  seeding.failedBundles())));
    }
    OperationSummary all = load.all();
    List<RunReport.Result> results =
        new ArrayList<>(
            List.of(
                new RunReport.Result("requests", String.format(Locale.ROOT, "%,d", all.count())),
                new RunReport.Result(
                    "throughput", String.format(Locale.ROOT, "%,.0f req/s", all.perSecond())),
                new RunReport.Result(
                    "peak concurrency",
                    String.format(Locale.ROOT, "%,d", load.peakConcurrency()))));
    List<String> notes = new ArrayList<>();
    if (substitutedCreates.get() > 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "%,d reads or deletes became creates: nothing to target yet.",
              substitutedCreates.get()));
    }
    OpenModelNotes.add(load, results, notes);
    return new RunReport(
        "fhir",
        "Scenario 1: FHIR CRUD mix",
        started,
        load.elapsed(),
        settings,
        load.operations(),
        load.timeline(),
        results,
        comparisons(load),
        options.thresholds().evaluate(all),
        notes);
  }

  private static List<Comparison> comparisons(LoadResult load) {
    OperationSummary all = load.all();
    String where =
        "theirs: 10,000 VUs against a production cluster; ours: one 2-core machine running broker,"
            + " database, services and load generator";
    List<Comparison> comparisons =
        new ArrayList<>(
            List.of(
                new Comparison(
                    "throughput",
                    String.format(Locale.ROOT, "%,.0f req/s", all.perSecond()),
                    "40,870 req/s",
                    where),
                new Comparison("p50", ms(all.millisAt(50)), "12 ms", ""),
                new Comparison("p95", ms(all.millisAt(95)), "38 ms", ""),
                new Comparison("p99", ms(all.millisAt(99)), "67 ms", ""),
                new Comparison("p99.9", ms(all.millisAt(99.9)), "145 ms", ""),
                new Comparison("max", ms(all.millisAt(100)), "423 ms", ""),
                new Comparison(
                    "error rate",
                    String.format(Locale.ROOT, "%.2f%%", all.errorRate() * 100),
                    "0.23%",
                    "our reads and deletes target existing Patients; theirs drew random ids")));
    Map<String, String> theirP99 = Map.of("read", "52 ms", "create", "89 ms", "delete", "71 ms");
    for (OperationSummary operation : load.operations()) {
      String theirs = theirP99.get(operation.name());
      if (theirs != null) {
        comparisons.add(
            new Comparison(
                operation.name() + " p99",
                ms(operation.millisAt(99)),
                theirs,
                "a create is answered once it is readable (Kafka, processor, PostgreSQL)"));
      }
    }
    return comparisons;
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%.1f ms", millis);
  }

  private void printSeeding(Seeding s) {
    out.printf(
        Locale.ROOT,
        "fhir: seeded %,d of %,d Patients in %.1f s: %,.0f Patients/s; %,d bundles, %,d failed%s;"
            + " bundle latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        s.created(),
        s.requested(),
        s.seconds(),
        s.perSecond(),
        s.bundles(),
        s.failedBundles(),
        s.bundleFailures().isEmpty() ? "" : " " + s.bundleFailures(),
        s.bundleLatency().getValueAtPercentile(50) / 1000.0,
        s.bundleLatency().getValueAtPercentile(99) / 1000.0,
        s.bundleLatency().getMaxValue() / 1000.0);
  }
}
