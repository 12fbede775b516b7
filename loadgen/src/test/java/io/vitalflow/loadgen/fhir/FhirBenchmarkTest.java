package io.vitalflow.loadgen.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.engine.Think;
import io.vitalflow.loadgen.fhir.OperationMix.Operation;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against a tiny in-memory FHIR server on loopback: a test of the generator, not of a
 * server.
 */
public class FhirBenchmarkTest {

  private FakeFhir fake;

  @BeforeEach
  public void start() throws IOException {
    fake = FakeFhir.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void seedsRunsTheStagesAndReportsCountsThatAddUp() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    FhirOptions options =
        FhirCommand.parse(
            new String[] {
              "--fhir-url=" + fake.url(),
              "--seed-patients=1000",
              "--seed-batch=64",
              "--seed-concurrency=2",
              "--stages=1s:8,1s:8,1s:0",
              "--think=5ms-15ms",
              "--progress=1s",
              "--p95=5s",
              "--p99=5s",
              "--max-error-rate=5%"
            });

    FhirBenchmark.Result result = new FhirBenchmark(options, out).run();
    String report = output.toString(StandardCharsets.UTF_8);

    // seeding: every Patient of every batch created, ids remembered (reads of seeded ids succeed)
    assertThat(result.seeding().created()).isEqualTo(1000);
    assertThat(result.seeding().bundles()).isEqualTo(16);
    assertThat(fake.batches.get()).isEqualTo(16);
    assertThat(fake.batchEntries.get()).isEqualTo(1000);

    // every request the server answered is in the report, under its operation
    Map<Operation, OperationSummary> byOperation = new java.util.EnumMap<>(Operation.class);
    result.load().operations().stream()
        .filter(o -> !o.name().equals(RunReport.ALL))
        .forEach(
            o ->
                byOperation.put(Operation.valueOf(o.name().toUpperCase(java.util.Locale.ROOT)), o));
    OperationSummary all = result.load().all();
    assertThat(byOperation.get(Operation.READ).count()).isEqualTo(fake.reads.get());
    assertThat(byOperation.get(Operation.CREATE).count()).isEqualTo(fake.creates.get());
    assertThat(byOperation.get(Operation.DELETE).count()).isEqualTo(fake.deletes.get());
    assertThat(all.count())
        .isEqualTo(fake.reads.get() + fake.creates.get() + fake.deletes.get())
        .isEqualTo(all.latencyMicros().getTotalCount())
        .isGreaterThan(200);
    result
        .load()
        .operations()
        .forEach(o -> assertThat(o.latencyMicros().getTotalCount()).isEqualTo(o.count()));

    // the only errors are the ones the fake injects, with their status
    assertThat(all.errors()).isEqualTo(fake.injected500.get());
    assertThat(byOperation.get(Operation.READ).errorKinds())
        .isEqualTo(
            fake.injected500.get() == 0 ? Map.of() : Map.of("HTTP 500", fake.injected500.get()));
    assertThat(byOperation.get(Operation.DELETE).errors()).isZero();

    // deletes only target Patients the users created: none of them hit a missing one
    assertThat(fake.deletesOfUnknown.get()).isZero();
    // the mix, roughly: 60/30/10, deletes that had nothing to delete yet became creates
    double reads = byOperation.get(Operation.READ).count() / (double) all.count();
    assertThat(reads).isBetween(0.45, 0.75);
    assertThat(
            byOperation.get(Operation.CREATE).count() + byOperation.get(Operation.DELETE).count())
        .isGreaterThan(byOperation.get(Operation.DELETE).count() * 2);

    assertThat(result.passed()).isTrue();
    assertThat(result.load().elapsed().toMillis()).isBetween(2900L, 6000L);
    assertThat(result.report().thresholds())
        .extracting(RunReport.ThresholdResult::limit)
        .containsExactly("p95 < 5000 ms", "p99 < 5000 ms", "error rate <= 5%");
    assertThat(result.report().comparisons())
        .extracting(RunReport.Comparison::metric)
        .contains("throughput", "p99", "read p99", "create p99");
    assertThat(report)
        .contains("fhir: seeded 1,000 of 1,000 Patients")
        .containsPattern("(?m)^ +fhir +[12]s +VUs +\\d+ .* p99 so far .* left \\ds$");
  }

  @Test
  void aWarmUpRunsFirstAndIsNotMeasured() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    FhirOptions options =
        FhirCommand.parse(
            "--fhir-url=" + fake.url(),
            "--seed-patients=100",
            "--warmup=2s",
            "--stages=1s:4",
            "--think=5ms-15ms",
            "--mix=100,0,0",
            "--progress=1s",
            "--p95=off",
            "--p99=off");

    FhirBenchmark.Result result = new FhirBenchmark(options, out).run();

    // the server answered the warm-up's reads and the measured ones; the result holds the latter
    long measured = result.load().all().count();
    assertThat(measured).isPositive();
    assertThat(fake.reads.get()).isGreaterThan(measured * 3 / 2);
    assertThat(result.load().all().latencyMicros().getTotalCount()).isEqualTo(measured);
    assertThat(result.load().elapsed().toMillis()).isBetween(900L, 3000L);
    assertThat(result.report().settings())
        .contains(new RunReport.Setting("warm-up", "2 s at the peak, not measured"));
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("fhir: warm-up for 2 s (not measured)")
        .containsPattern("(?m)^ +warmup +1s +VUs +4 ")
        .contains("fhir: warm-up done");
  }

  @Test
  void warmUpHoldsTheModelsPeak() {
    Duration warmup = Duration.ofSeconds(60);
    LoadModel closed =
        FhirBenchmark.warmupModel(
            new LoadModel.Closed(
                Stages.parse("5s:32,90s:32,10s:0"), new Think(Duration.ZERO, Duration.ZERO)),
            warmup);
    assertThat(closed)
        .isEqualTo(
            new LoadModel.Closed(
                Stages.parse("6s:32,54s:32"), new Think(Duration.ZERO, Duration.ZERO)));
    assertThat(
            FhirBenchmark.warmupModel(
                new LoadModel.Open(Stages.parse("20s:1000,110s:2000"), 64), warmup))
        .isEqualTo(new LoadModel.Open(Stages.parse("6s:2000,54s:2000"), 64));
  }

  @Test
  void brokenThresholdsFailTheRun() throws Exception {
    fake.failEveryRead = true;
    FhirOptions options =
        FhirCommand.parse(
            new String[] {
              "--fhir-url=" + fake.url(),
              "--seed-patients=10",
              "--stages=500ms:2,500ms:2",
              "--think=10ms",
              "--mix=100,0,0"
            });

    FhirBenchmark.Result result =
        new FhirBenchmark(options, new PrintStream(new ByteArrayOutputStream())).run();

    assertThat(result.passed()).isFalse();
    assertThat(result.load().all().errors()).isEqualTo(result.load().all().count()).isPositive();
    assertThat(result.report().thresholds())
        .filteredOn(t -> !t.held())
        .singleElement()
        .satisfies(t -> assertThat(t.actual()).startsWith("100.000%"));
  }

  @Test
  void aServerThatRefusesBatchesStopsTheRunWithOneLine() throws Exception {
    fake.rejectBatches = true;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {
              "fhir", "--fhir-url=" + fake.url(), "--seed-patients=100", "--seed-batch=50"
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .doesNotContain("\n")
        .startsWith("loadgen fhir: seeding created no Patient at http://127.0.0.1:")
        .contains("{HTTP 405=2}");
  }

  /**
   * Answers batch, create, read and delete of Patients from a map, as a FHIR server would, on a
   * loopback port ({@link #start()}, {@link #url()}, {@link #close()}).
   */
  public static final class FakeFhir implements AutoCloseable {
    static {
      // the JDK server writes headers and body separately: without this, Nagle and delayed ACKs add
      // ~40 ms
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServer server;
    private ExecutorService threads;
    private static final Pattern ENTRY =
        Pattern.compile("\"request\":\\{\"method\":\"POST\",\"url\":\"Patient\"\\}");
    private final Set<String> patients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong batchEntries = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong creates = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong deletesOfUnknown = new AtomicLong();
    final AtomicLong injected500 = new AtomicLong();
    volatile boolean failEveryRead;
    volatile boolean rejectBatches;

    /**
     * Above this many requests in a wall-clock second (0 = no limit) the fake answers 503, as an
     * overloaded server.
     */
    public volatile int capacityPerSecond;

    public final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong second = new AtomicLong();
    private final AtomicLong inSecond = new AtomicLong();

    private boolean overCapacity() {
      int capacity = capacityPerSecond;
      if (capacity == 0) {
        return false;
      }
      long now = System.currentTimeMillis() / 1000;
      if (second.getAndSet(now) != now) {
        inSecond.set(0);
      }
      return inSecond.incrementAndGet() > capacity;
    }

    public static FakeFhir start() throws IOException {
      FakeFhir fake = new FakeFhir();
      fake.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
      fake.threads = Executors.newFixedThreadPool(4);
      fake.server.setExecutor(fake.threads);
      fake.server.createContext("/fhir", fake::handle);
      fake.server.start();
      return fake;
    }

    /** The FHIR base URL. */
    public String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }

    void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String method = exchange.getRequestMethod();
        if (!path.equals("/fhir/metadata") && !path.equals("/fhir") && overCapacity()) {
          overloaded.incrementAndGet();
          send(exchange, 503, "{\"resourceType\":\"OperationOutcome\"}");
        } else if (path.equals("/fhir/metadata")) {
          send(exchange, 200, "{\"resourceType\":\"CapabilityStatement\"}");
        } else if (path.equals("/fhir") && rejectBatches) {
          send(exchange, 405, "{\"resourceType\":\"OperationOutcome\"}");
        } else if (path.equals("/fhir") && method.equals("POST")) {
          batches.incrementAndGet();
          StringBuilder response =
              new StringBuilder(
                  "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[");
          Matcher entry = ENTRY.matcher(body);
          for (int i = 0; entry.find(); i++) {
            batchEntries.incrementAndGet();
            String id = newPatient();
            response
                .append(i == 0 ? "" : ",")
                .append("{\"response\":{\"status\":\"201 Created\",\"location\":\"Patient/")
                .append(id)
                .append("/_history/1\"}}");
          }
          send(exchange, 200, response.append("]}").toString());
        } else if (path.equals("/fhir/Patient") && method.equals("POST")) {
          creates.incrementAndGet();
          String id = newPatient();
          exchange
              .getResponseHeaders()
              .add("Location", "http://127.0.0.1/fhir/Patient/" + id + "/_history/1");
          send(exchange, 201, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}");
        } else if (path.startsWith("/fhir/Patient/") && method.equals("GET")) {
          long n = reads.incrementAndGet();
          String id = path.substring("/fhir/Patient/".length());
          if (failEveryRead || n % 97 == 0) {
            injected500.incrementAndGet();
            send(exchange, 500, "{\"resourceType\":\"OperationOutcome\"}");
          } else {
            send(
                exchange,
                patients.contains(id) ? 200 : 404,
                patients.contains(id)
                    ? "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}"
                    : "{\"resourceType\":\"OperationOutcome\"}");
          }
        } else if (path.startsWith("/fhir/Patient/") && method.equals("DELETE")) {
          deletes.incrementAndGet();
          if (!patients.remove(path.substring("/fhir/Patient/".length()))) {
            deletesOfUnknown.incrementAndGet();
          }
          exchange.sendResponseHeaders(204, -1);
        } else {
          send(exchange, 404, "{\"resourceType\":\"OperationOutcome\"}");
        }
      }
    }

    private String newPatient() {
      String id = Long.toString(ids.incrementAndGet());
      patients.add(id);
      return id;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }
}
