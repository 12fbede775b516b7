package io.vitalflow.loadgen.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bedside device gateways for the local platform: every patient sends each of six vitals once per
 * interval, spread over the interval, as NDJSON batches to the ingest endpoint.
 */
public final class DeviceSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeviceSimulator.class);
  private static final int TICKS_PER_INTERVAL = 10;

  private final URI endpoint;
  private final Patients patients;
  private final Duration interval;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "device-simulator");
            thread.setDaemon(true);
            return thread;
          });
  private final Supplier<String> bearerToken;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private int tick;

  public DeviceSimulator(URI ingestBase, int patientCount, Duration interval) {
    this(ingestBase, patientCount, interval, () -> null);
  }

  /**
   * A simulator whose batches carry {@code Authorization: Bearer <bearerToken.get()>} (the
   * gateway's client-credentials token; {@code null}: no header).
   */
  public DeviceSimulator(
      URI ingestBase, int patientCount, Duration interval, Supplier<String> bearerToken) {
    this.bearerToken = bearerToken;
    this.endpoint = ingestBase.resolve("/api/v1/vitals");
    this.patients = new Patients("sim-", patientCount, 0.05, 42);
    this.interval = interval;
  }

  public void start() {
    long period = interval.toMillis() / TICKS_PER_INTERVAL;
    scheduler.scheduleAtFixedRate(this::sendTick, period, period, TimeUnit.MILLISECONDS);
    log.info(
        "Device simulator: {} patients, 6 vitals each every {} s (~{} readings/s) to {}",
        patients.count(),
        interval.toSeconds(),
        patients.count() * Patients.VITALS_PER_PATIENT * 1000L / interval.toMillis(),
        endpoint);
  }

  public long sent() {
    return sent.get();
  }

  private void sendTick() {
    int slice = tick++ % TICKS_PER_INTERVAL;
    StringBuilder body = new StringBuilder();
    Instant now = Instant.now();
    int readings = 0;
    for (int p = slice; p < patients.count(); p += TICKS_PER_INTERVAL) {
      for (int v = 0; v < Patients.VITALS_PER_PATIENT; v++) {
        patients.appendReading(body, p, v, "monitor-" + p, now);
        readings++;
      }
    }
    if (readings == 0) {
      return;
    }
    int count = readings;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      String token = bearerToken.get();
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
    } catch (RuntimeException e) {
      if (failedBatches.incrementAndGet() % 50 == 1) {
        log.warn("Simulator batch not sent: no token ({})", e.getClass().getSimpleName());
      }
      return;
    }
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() / 100 == 2) {
                sent.addAndGet(count);
              } else if (failedBatches.incrementAndGet() % 50 == 1) {
                log.warn(
                    "Simulator batch not accepted: {}",
                    error != null ? error.toString() : "HTTP " + response.statusCode());
              }
            });
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
