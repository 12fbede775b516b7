package io.vitalflow.loadgen.vitals;

import io.vitalflow.loadgen.auth.Bearer;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import io.vitalflow.loadgen.simulator.Patients;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario "vitals ingest": simulated devices post NDJSON batches at a fixed offered rate (open
 * loop; latency counted from each batch's intended send time, so a stalled server cannot hide
 * queueing), then the stored rows are counted in PostgreSQL and acceptance-to-stored percentiles
 * computed there.
 */
public final class VitalsBenchmark {

  /**
   * What the run measured; {@code timeline} has one point per progress second (accepted readings/s,
   * failed requests, request latency, requests in flight).
   */
  public record Result(
      long offered,
      long accepted,
      long failedRequests,
      double acceptedPerSecond,
      Histogram requestLatency,
      long stored,
      double storedPerSecond,
      double storedP50Ms,
      double storedP99Ms,
      double storedMaxMs,
      Instant started,
      double sendSeconds,
      List<TimelinePoint> timeline) {

    public Result {
      timeline = List.copyOf(timeline);
    }
  }

  private final VitalsOptions options;
  private final PrintStream out;

  public VitalsBenchmark(VitalsOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run() throws Exception {
    checkDatabase();
    Bearer bearer = options.auth().open(out);
    String runId = Long.toString(System.currentTimeMillis(), 36);
    String deviceId = "loadgen-" + runId;
    Patients patients =
        new Patients("lg" + runId + "-", options.patients(), 0.02, runId.hashCode());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI endpoint = options.ingestBase().resolve("/api/v1/vitals");
    Semaphore inFlight = new Semaphore(options.concurrency());
    Recorder latency = new Recorder(3);
    Histogram total = new Histogram(3);
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long offered = 0;
    Instant started = Instant.now();
    List<TimelinePoint> timeline = new ArrayList<>();
    long lastFailed = 0;

    long batchesPerSecond = Math.max(1, options.rate() / options.batch());
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / batchesPerSecond;
    long start = System.nanoTime();
    long lastTick = start;
    long end = start + options.duration().toNanos();
    long nextProgress = start + TimeUnit.SECONDS.toNanos(1);
    long lastAccepted = 0;
    int cursor = 0;
    out.printf(
        Locale.ROOT,
        "vitals: offering %,d readings/s in batches of %d for %d s to %s (run %s)%n",
        batchesPerSecond * options.batch(),
        options.batch(),
        options.duration().toSeconds(),
        endpoint,
        runId);
    for (long intended = start; intended < end; intended += periodNanos) {
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      StringBuilder body = new StringBuilder(options.batch() * 150);
      Instant now = Instant.now();
      for (int i = 0; i < options.batch(); i++) {
        int patient = cursor % patients.count();
        int vital = (cursor / patients.count()) % Patients.VITALS_PER_PATIENT;
        patients.appendReading(body, patient, vital, deviceId, now);
        cursor++;
      }
      offered += options.batch();
      inFlight.acquire();
      long intendedStart = intended;
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
      String authorization = bearer.header();
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, error) -> {
                latency.recordValue(Math.max(0, System.nanoTime() - intendedStart) / 1000);
                if (error == null && response.statusCode() == 200) {
                  accepted.addAndGet(options.batch());
                } else {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(
                      null,
                      error != null
                          ? HttpLoadClient.failureKind(error)
                          : "HTTP " + response.statusCode());
                }
                // last: once every permit is back, the counts above are final (the drain reads them
                // then)
                inFlight.release();
              });
      if (System.nanoTime() >= nextProgress) {
        Histogram interval = latency.getIntervalHistogram();
        total.add(interval);
        long acceptedNow = accepted.get();
        long failedNow = failed.get();
        long tick = System.nanoTime();
        timeline.add(
            new TimelinePoint(
                (tick - start) / 1e9,
                (acceptedNow - lastAccepted) / ((tick - lastTick) / 1e9),
                failedNow - lastFailed,
                interval.getValueAtPercentile(50) / 1000.0,
                interval.getValueAtPercentile(99) / 1000.0,
                options.concurrency() - inFlight.availablePermits()));
        lastFailed = failedNow;
        lastTick = tick;
        out.printf(
            Locale.ROOT,
            "  %4ds  accepted %,9d/s  failed requests %,d  request p50 %6.1f ms  p99 %7.1f ms%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
            acceptedNow - lastAccepted,
            failed.get(),
            interval.getValueAtPercentile(50) / 1000.0,
            interval.getValueAtPercentile(99) / 1000.0);
        lastAccepted = acceptedNow;
        nextProgress += TimeUnit.SECONDS.toNanos(1);
      }
    }
    inFlight.acquire(options.concurrency());
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    total.add(latency.getIntervalHistogram());
    if (failed.get() > 0) {
      out.printf(
          Locale.ROOT,
          "vitals: %,d requests failed (first: %s)%n",
          failed.get(),
          firstFailure.get());
    }

    out.printf(
        Locale.ROOT,
        "vitals: sending done, waiting up to %d s for %,d accepted readings to be stored%n",
        options.drainTimeout().toSeconds(),
        accepted.get());
    Stored stored = awaitStored(deviceId, accepted.get());
    Result result =
        new Result(
            offered,
            accepted.get(),
            failed.get(),
            accepted.get() / sendSeconds,
            total,
            stored.count,
            stored.perSecond,
            stored.p50Ms,
            stored.p99Ms,
            stored.maxMs,
            started,
            sendSeconds,
            timeline);
    print(result);
    return result;
  }

  /** The stored rows are counted in PostgreSQL: refuse to send load that could not be checked. */
  private void checkDatabase() {
    try (Connection connection =
        DriverManager.getConnection(
            options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
      connection.isValid(5);
    } catch (SQLException e) {
      throw new IllegalArgumentException(
          "cannot log in to PostgreSQL at "
              + options.jdbcUrl()
              + " as "
              + options.jdbcUser()
              + " (SQLState "
              + e.getSQLState()
              + "); give --jdbc-url, --jdbc-user, --jdbc-password");
    }
  }

  private record Stored(long count, double perSecond, double p50Ms, double p99Ms, double maxMs) {}

  private Stored awaitStored(String deviceId, long expected)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    try (Connection connection =
        DriverManager.getConnection(
            options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword())) {
      long count = 0;
      while (System.nanoTime() < deadline) {
        count = count(connection, deviceId);
        if (count >= expected) {
          break;
        }
        Thread.sleep(500);
      }
      try (PreparedStatement statement =
          connection.prepareStatement(
              """
          select count(*),
                 extract(epoch from max(stored_at) - min(stored_at)),
                 extract(epoch from percentile_disc(0.5) within group (order by stored_at - received_at)) * 1000,
                 extract(epoch from percentile_disc(0.99) within group (order by stored_at - received_at)) * 1000,
                 extract(epoch from max(stored_at - received_at)) * 1000
            from vital_reading where device_id = ?""")) {
        statement.setString(1, deviceId);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          double seconds = Math.max(row.getDouble(2), 0.001);
          return new Stored(
              row.getLong(1),
              row.getLong(1) / seconds,
              row.getDouble(3),
              row.getDouble(4),
              row.getDouble(5));
        }
      }
    }
  }

  private static long count(Connection connection, String deviceId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select count(*) from vital_reading where device_id = ?")) {
      statement.setString(1, deviceId);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private void print(Result r) {
    out.println();
    out.println("== vitals ingest ==");
    out.printf(Locale.ROOT, "offered readings        %,d%n", r.offered());
    out.printf(
        Locale.ROOT,
        "accepted readings       %,d (%,.0f/s sustained)%n",
        r.accepted(),
        r.acceptedPerSecond());
    out.printf(Locale.ROOT, "failed requests         %,d%n", r.failedRequests());
    out.printf(
        Locale.ROOT,
        "request latency (ms)    p50 %.1f  p99 %.1f  max %.1f%n",
        r.requestLatency().getValueAtPercentile(50) / 1000.0,
        r.requestLatency().getValueAtPercentile(99) / 1000.0,
        r.requestLatency().getMaxValue() / 1000.0);
    out.printf(
        Locale.ROOT,
        "stored rows             %,d (%s)%n",
        r.stored(),
        r.stored() == r.accepted() ? "all accepted readings stored" : "MISMATCH with accepted");
    out.printf(Locale.ROOT, "stored rate             %,.0f rows/s%n", r.storedPerSecond());
    out.printf(
        Locale.ROOT,
        "accepted->stored (ms)   p50 %.0f  p99 %.0f  max %.0f%n",
        r.storedP50Ms(),
        r.storedP99Ms(),
        r.storedMaxMs());
  }
}
