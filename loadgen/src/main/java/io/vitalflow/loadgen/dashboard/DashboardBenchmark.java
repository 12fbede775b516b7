package io.vitalflow.loadgen.dashboard;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vitalflow.loadgen.auth.Bearer;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import io.vitalflow.loadgen.simulator.Patients;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Scenario "live dashboards", the replaced system's Artillery LiveView test: {@code --connections}
 * WebSocket clients connect at {@code --ramp} per second (spread over {@code --dashboard-url}s and
 * {@code --source-addresses}), subscribe to patients (or a ward) in the URL, and stay, each sending
 * a {@code ping} every {@code --heartbeat}; then, for {@code --duration}, devices post {@code
 * --readings-rate} readings/s of the watched patients to the gateway. Clients keep no frames: they
 * count them by type and, on every {@code --latency-every}-th connection, match {@code vital}
 * frames to the posted readings ({@link ReadingLatency}). The servers' heap is read before the
 * clients connect and while they are held idle; RSS too with {@code --server-pid}.
 */
public final class DashboardBenchmark {

  public record Result(
      int attempted,
      long held,
      long failed,
      Map<String, Long> failures,
      long closedEarly,
      double steadySeconds,
      long framesInSteady,
      Map<String, Long> steadyByType,
      ReadingLatency latency,
      long readingsSent,
      long readingsAccepted,
      long readingBatchesFailed,
      ServerMemory.Sample before,
      ServerMemory.Sample heldSample,
      long heldAtSample,
      Histogram connectMicros,
      double rampSeconds,
      Instant started,
      List<TimelinePoint> timeline) {

    public Result {
      timeline = List.copyOf(timeline);
    }

    boolean passed() {
      return failed == 0 && closedEarly == 0 && held == attempted;
    }

    /** Server heap per held connection in bytes, or NaN. */
    double heapPerConnection() {
      return before == null || heldSample == null || heldAtSample == 0
          ? Double.NaN
          : (double) (heldSample.heapBytes() - before.heapBytes()) / heldAtSample;
    }

    double rssPerConnection() {
      return before == null || heldSample == null || heldAtSample == 0 || before.rssBytes() < 0
          ? Double.NaN
          : (double) (heldSample.rssBytes() - before.rssBytes()) / heldAtSample;
    }
  }

  private static final int READING_TICKS_PER_SECOND = 10;
  private static final int MAX_HANDSHAKES_IN_FLIGHT = 256;

  private final DashboardOptions options;
  private final PrintStream out;
  private final java.net.http.HttpClient http =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final FrameTypes frames = new FrameTypes();
  private final ReadingLatency latency = new ReadingLatency();
  private final AtomicReferenceArray<Channel> channels;
  private final LongAdder held = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder closedEarly = new LongAdder();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final AtomicLong readingsSent = new AtomicLong();
  private final AtomicLong readingsAccepted = new AtomicLong();
  private final AtomicLong readingBatchesFailed = new AtomicLong();
  private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES_IN_FLIGHT);
  private final Recorder connectLatency = new Recorder(3);
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private long lastFailed;
  private volatile boolean closing;
  private Bearer bearer = Bearer.NONE;

  public DashboardBenchmark(DashboardOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.channels = new AtomicReferenceArray<>(options.connections());
  }

  public Result run() throws ScenarioException, InterruptedException {
    List<URI> httpBases = new ArrayList<>();
    for (URI url : new LinkedHashSet<>(options.dashboardUrls())) {
      httpBases.add(DashboardOptions.httpBase(url));
    }
    bearer = options.auth().open(out);
    for (URI base : httpBases) {
      checkReachable(base.resolve("/actuator/health"), "--dashboard-url " + base);
    }
    if (options.readingsRate() > 0) {
      checkReachable(
          options.ingestUrl().resolve("/actuator/health"), "--ingest-url " + options.ingestUrl());
    }
    for (long pid : options.serverPids()) {
      try {
        ServerMemory.rss(pid);
      } catch (IOException e) {
        throw new ScenarioException(
            "--server-pid " + pid + ": no such local process (" + e.getMessage() + ")");
      }
    }
    if (options.ward() != null) {
      assignWard(httpBases.get(0));
    }
    ServerMemory memory = new ServerMemory(httpBases, options.serverPids(), bearer);
    ServerMemory.Sample before = sampleMemory(memory, "before connecting");
    Instant started = Instant.now();

    LoopResources loops =
        LoopResources.create(
            "dashload", Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "dashload");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<HttpClient> clients = clients(loops);
      long heartbeatTicks = Math.max(1, options.heartbeat().toMillis() / 100);
      AtomicLong tick = new AtomicLong();
      scheduler.scheduleAtFixedRate(
          () -> ping(tick.getAndIncrement() % heartbeatTicks, heartbeatTicks),
          100,
          100,
          TimeUnit.MILLISECONDS);

      out.printf(
          Locale.ROOT,
          "dashboard: %,d connections at %,d/s to %s%s, %s, ping every %d ms%n",
          options.connections(),
          options.ramp(),
          options.dashboardUrls(),
          options.sourceAddresses().isEmpty()
              ? ""
              : " from " + options.sourceAddresses().size() + " source addresses",
          options.ward() != null
              ? "ward " + options.ward() + " (" + options.patients() + " patients)"
              : options.patientsPerClient() + " of " + options.patients() + " patients each",
          options.heartbeat().toMillis());
      long start = System.nanoTime();
      long progressNanos = options.progressEvery().toNanos();
      long nextProgress = start + progressNanos;
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / options.ramp();
      long lastFrames = 0;
      long lastProgress = start;
      for (int i = 0; i < options.connections(); i++) {
        long due = start + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        handshakes.acquire();
        connect(clients, i);
        if (System.nanoTime() >= nextProgress) {
          lastFrames = progress("ramp", start, lastFrames, lastProgress);
          lastProgress = System.nanoTime();
          nextProgress += progressNanos;
        }
      }
      // wait for the last handshakes (a handshake that never ends is not waited for past 60 s)
      if (handshakes.tryAcquire(MAX_HANDSHAKES_IN_FLIGHT, 60, TimeUnit.SECONDS)) {
        handshakes.release(MAX_HANDSHAKES_IN_FLIGHT);
      }
      double rampSeconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "dashboard: ramp done in %.1f s: %,d held, %,d failed%n",
          rampSeconds,
          held.sum(),
          failed.sum());
      TimeUnit.NANOSECONDS.sleep(options.settle().toNanos());
      long heldAtSample = held.sum();
      ServerMemory.Sample heldSample =
          sampleMemory(memory, "with " + heldAtSample + " connections held idle");

      // steady phase: readings flow (if asked), frames are counted
      latency.harvest();
      Map<String, Long> steadyStart = frames.snapshot();
      long steadyStartNanos = System.nanoTime();
      if (options.readingsRate() > 0) {
        ReadingSender sender = new ReadingSender();
        scheduler.scheduleAtFixedRate(
            sender::tick, 0, 1000 / READING_TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
      }
      long end = steadyStartNanos + options.duration().toNanos();
      nextProgress = steadyStartNanos + progressNanos;
      lastFrames = frames.total();
      lastProgress = steadyStartNanos;
      while (System.nanoTime() < end) {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(end, nextProgress) - System.nanoTime()));
        if (System.nanoTime() >= nextProgress) {
          lastFrames = progress("held", start, lastFrames, lastProgress);
          lastProgress = System.nanoTime();
          nextProgress += progressNanos;
          latency.expire(System.nanoTime() - TimeUnit.SECONDS.toNanos(30));
        }
      }
      double steadySeconds = (System.nanoTime() - steadyStartNanos) / 1e9;
      Map<String, Long> steadyEnd = frames.snapshot();
      long heldAtEnd = held.sum();
      closing = true;
      scheduler.shutdownNow();
      TimeUnit.SECONDS.sleep(options.readingsRate() > 0 ? 2 : 0);
      latency.harvest();
      Map<String, Long> steadyByType = new java.util.LinkedHashMap<>();
      long steadyFrames = 0;
      for (Map.Entry<String, Long> entry : steadyEnd.entrySet()) {
        long n = entry.getValue() - steadyStart.get(entry.getKey());
        steadyByType.put(entry.getKey(), n);
        steadyFrames += n;
      }
      Map<String, Long> failureKinds = new java.util.TreeMap<>();
      failures.forEach((kind, n) -> failureKinds.put(kind, n.sum()));
      Result result =
          new Result(
              options.connections(),
              heldAtEnd,
              failed.sum(),
              failureKinds,
              closedEarly.sum(),
              steadySeconds,
              steadyFrames,
              steadyByType,
              latency,
              readingsSent.get(),
              readingsAccepted.get(),
              readingBatchesFailed.get(),
              before,
              heldSample,
              heldAtSample,
              connectLatency.getIntervalHistogram(),
              rampSeconds,
              started,
              timeline);
      closeAll();
      print(result);
      return result;
    } finally {
      closing = true;
      scheduler.shutdownNow();
      loops.disposeLater().block(Duration.ofSeconds(10));
    }
  }

  private void checkReachable(URI uri, String what) throws ScenarioException, InterruptedException {
    try {
      http.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new ScenarioException(
          "cannot reach "
              + what
              + ": "
              + io.vitalflow.loadgen.engine.HttpLoadClient.failureKind(e));
    }
  }

  /** {@code request} with the run's {@code Authorization}, if it has one. */
  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String authorization = bearer.header();
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private ServerMemory.Sample sampleMemory(ServerMemory memory, String when)
      throws InterruptedException {
    try {
      ServerMemory.Sample sample = memory.sample();
      out.printf(
          Locale.ROOT,
          "dashboard: server heap %s: %,.1f MB%s%s%n",
          when,
          sample.heapBytes() / 1e6,
          sample.afterGc() ? " (after a GC)" : " (least of 4 samples, no GC)",
          sample.rssBytes() < 0
              ? ""
              : String.format(Locale.ROOT, ", RSS %,.1f MB", sample.rssBytes() / 1e6));
      return sample;
    } catch (IOException e) {
      out.println("dashboard: server memory not available: " + e.getMessage());
      return null;
    }
  }

  private void assignWard(URI base) throws ScenarioException, InterruptedException {
    out.printf(
        Locale.ROOT,
        "dashboard: assigning %,d patients to ward %s%n",
        options.patients(),
        options.ward());
    for (int p = 0; p < options.patients(); p++) {
      URI uri =
          base.resolve(
              "/api/v1/wards/" + options.ward() + "/patients/" + DashboardOptions.patientId(p));
      try {
        HttpResponse<Void> response =
            http.send(
                authorized(HttpRequest.newBuilder(uri))
                    .timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
          throw new ScenarioException("PUT " + uri + " answered HTTP " + response.statusCode());
        }
      } catch (IOException e) {
        throw new ScenarioException(
            "PUT " + uri + ": " + io.vitalflow.loadgen.engine.HttpLoadClient.failureKind(e));
      }
    }
  }

  /** One client per (URL, source address): each a fresh connection per WebSocket, no pool. */
  private List<HttpClient> clients(LoopResources loops) {
    List<HttpClient> clients = new ArrayList<>();
    List<InetAddress> sources = options.sourceAddresses();
    for (URI url : options.dashboardUrls()) {
      for (int s = 0; s < Math.max(1, sources.size()); s++) {
        HttpClient client =
            HttpClient.create(ConnectionProvider.newConnection())
                .runOn(loops)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        if (!sources.isEmpty()) {
          InetAddress source = sources.get(s);
          client = client.bindAddress(() -> new InetSocketAddress(source, 0));
        }
        clients.add(client);
      }
    }
    return clients;
  }

  private void connect(List<HttpClient> clients, int index) {
    int urls = options.dashboardUrls().size();
    int sources = Math.max(1, options.sourceAddresses().size());
    HttpClient client =
        clients.get(
            DashboardOptions.urlIndex(index, urls) * sources
                + DashboardOptions.sourceIndex(index, urls, sources));
    boolean probe = index % options.latencyEvery() == 0;
    boolean[] opened = new boolean[1];
    long begun = System.nanoTime();
    String authorization = bearer.header();
    (authorization == null
            ? client
            : client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, authorization)))
        .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(4 << 20).build())
        .uri(options.connectionUri(index))
        .handle(
            (in, outbound) -> {
              opened[0] = true;
              connectLatency.recordValue((System.nanoTime() - begun) / 1000);
              handshakes.release();
              held.increment();
              in.withConnection(connection -> channels.set(index, connection.channel()));
              return in.aggregateFrames(4 << 20)
                  .receiveFrames()
                  .doOnNext(
                      frame -> {
                        if (frame instanceof TextWebSocketFrame text) {
                          int type = FrameTypes.typeOf(text.content());
                          frames.count(type);
                          if (probe && type == 0) {
                            latency.frame(
                                text.content().toString(StandardCharsets.UTF_8), System.nanoTime());
                          }
                        }
                      })
                  .then()
                  .doFinally(
                      signal -> {
                        held.decrement();
                        channels.set(index, null);
                        if (!closing) {
                          closedEarly.increment();
                        }
                      });
            })
        .subscribe(
            null,
            error -> {
              if (!opened[0]) {
                handshakes.release();
                failed.increment();
                failures.computeIfAbsent(failureKind(error), kind -> new LongAdder()).increment();
              }
            });
  }

  static String failureKind(Throwable error) {
    String message = error.getMessage();
    String kind = error.getClass().getSimpleName();
    if (message != null && message.contains("Address already in use")) {
      return "no free local port (add --source-addresses)";
    }
    if (message != null && message.contains("Too many open files")) {
      return "too many open files";
    }
    return message == null
        ? kind
        : kind + ": " + (message.length() > 80 ? message.substring(0, 80) : message);
  }

  /**
   * Pings the connections of one heartbeat slice (so each gets one ping per heartbeat interval).
   */
  private void ping(long slice, long slices) {
    for (int i = (int) slice; i < channels.length(); i += (int) slices) {
      Channel channel = channels.get(i);
      if (channel != null && channel.isActive()) {
        channel.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ping\"}"), channel.voidPromise());
      }
    }
  }

  private void closeAll() throws InterruptedException {
    for (int i = 0; i < channels.length(); i++) {
      Channel channel = channels.get(i);
      if (channel != null) {
        channel.close();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.sum() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private long progress(String phase, long start, long lastFrames, long lastProgress) {
    long total = frames.total();
    Histogram interval = latency.harvest();
    long now = System.nanoTime();
    long failedNow = failed.sum();
    timeline.add(
        new TimelinePoint(
            (now - start) / 1e9,
            (total - lastFrames) / ((now - lastProgress) / 1e9),
            failedNow - lastFailed,
            interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(50) / 1000.0,
            interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0,
            held.sum()));
    lastFailed = failedNow;
    out.printf(
        Locale.ROOT,
        "  %5ds  %-4s held %,7d  failed %,d  closed %,d  frames %,9.0f/s%s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
        phase,
        held.sum(),
        failed.sum(),
        closedEarly.sum(),
        (total - lastFrames) / ((System.nanoTime() - lastProgress) / 1e9),
        interval.getTotalCount() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "  reading->frame p50 %6.1f ms p99 %7.1f ms (%,d)",
                interval.getValueAtPercentile(50) / 1000.0,
                interval.getValueAtPercentile(99) / 1000.0,
                interval.getTotalCount()));
    return total;
  }

  /**
   * Posts {@code --readings-rate} readings/s of the watched patients, each with its own millisecond
   * time.
   */
  private final class ReadingSender {
    private final Patients patients = new Patients("lgd-", options.patients(), 0.02, 7);
    private final URI endpoint = options.ingestUrl().resolve("/api/v1/vitals");
    private final int perTick = Math.max(1, options.readingsRate() / READING_TICKS_PER_SECOND);
    private long cursor;
    private long lastMillis;

    void tick() {
      if (closing) {
        return;
      }
      long millis = Math.max(System.currentTimeMillis(), lastMillis + 1);
      lastMillis = millis;
      Instant time = Instant.ofEpochMilli(millis);
      StringBuilder body = new StringBuilder(perTick * 150);
      List<ReadingLatency.VitalKey> keys = new ArrayList<>(perTick);
      long now = System.nanoTime();
      for (int i = 0; i < perTick; i++) {
        int patient = (int) (cursor % patients.count());
        int vital = (int) ((cursor / patients.count()) % Patients.VITALS_PER_PATIENT);
        cursor++;
        patients.appendReading(body, patient, vital, "dashload", time);
        ReadingLatency.VitalKey key =
            new ReadingLatency.VitalKey(patients.patientId(patient), Patients.code(vital), millis);
        keys.add(key);
        latency.sent(key, now);
      }
      readingsSent.addAndGet(perTick);
      HttpRequest request =
          authorized(HttpRequest.newBuilder(endpoint))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                long accepted = System.nanoTime();
                if (error == null && response.statusCode() == 200) {
                  readingsAccepted.addAndGet(keys.size());
                  keys.forEach(key -> latency.accepted(key, accepted));
                } else {
                  readingBatchesFailed.incrementAndGet();
                  keys.forEach(latency::rejected);
                }
              });
    }
  }

  private void print(Result r) {
    out.println();
    out.println("== live dashboards ==");
    out.printf(
        Locale.ROOT,
        "connections        attempted %,d  held %,d  failed %,d  closed by the server %,d%n",
        r.attempted(),
        r.held(),
        r.failed(),
        r.closedEarly());
    r.failures().forEach((kind, n) -> out.printf(Locale.ROOT, "  failed: %-60s %,d%n", kind, n));
    if (r.connectMicros().getTotalCount() > 0) {
      printLatency("connect", r.connectMicros());
    }
    if (r.before() != null && r.heldSample() != null) {
      out.printf(
          Locale.ROOT,
          "server heap        %,.1f MB before, %,.1f MB with %,d held: %,.0f bytes per connection%s%n",
          r.before().heapBytes() / 1e6,
          r.heldSample().heapBytes() / 1e6,
          r.heldAtSample(),
          r.heapPerConnection(),
          r.heldSample().afterGc() ? " (after GC)" : " (least of 4 samples, no GC)");
      if (r.before().rssBytes() >= 0) {
        out.printf(
            Locale.ROOT,
            "server RSS         %,.1f MB before, %,.1f MB held: %,.0f bytes per connection%n",
            r.before().rssBytes() / 1e6,
            r.heldSample().rssBytes() / 1e6,
            r.rssPerConnection());
      }
    } else {
      out.println("server heap        not available");
    }
    out.printf(
        Locale.ROOT,
        "frames (%.0f s)     %,d, %,.0f/s%n",
        r.steadySeconds(),
        r.framesInSteady(),
        r.framesInSteady() / r.steadySeconds());
    r.steadyByType()
        .forEach(
            (type, n) -> {
              if (n > 0) {
                out.printf(
                    Locale.ROOT, "  %-16s %,12d  %,10.0f/s%n", type, n, n / r.steadySeconds());
              }
            });
    if (r.readingsSent() > 0) {
      out.printf(
          Locale.ROOT,
          "readings           sent %,d (%,.0f/s), accepted %,d, failed batches %,d%n",
          r.readingsSent(),
          r.readingsSent() / r.steadySeconds(),
          r.readingsAccepted(),
          r.readingBatchesFailed());
      Histogram accepted = r.latency().acceptedToFrameMicros();
      Histogram sent = r.latency().sentToFrameMicros();
      out.printf(
          Locale.ROOT,
          "reading->frame     %,d vital frames matched (every %d. connection), %,d unmatched,"
              + " %,d before the gateway's answer%n",
          r.latency().matched(),
          options.latencyEvery(),
          r.latency().unmatched(),
          r.latency().beforeAccepted());
      printLatency("accepted->frame", accepted);
      printLatency("sent->frame", sent);
    }
    out.println(
        "result             "
            + (r.passed()
                ? "PASSED (every connection held)"
                : "FAILED (not every connection held)"));
  }

  private void printLatency(String label, Histogram h) {
    out.printf(
        Locale.ROOT,
        "  %-16s p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms%n",
        label,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }
}
