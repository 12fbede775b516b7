package io.vitalflow.loadgen.seed;

import io.netty.handler.codec.http.HttpMethod;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.HttpLoadClient.Answer;
import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.engine.Reachability;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.fhir.FhirBenchmark;
import io.vitalflow.loadgen.report.RunReport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code loadgen seed}: the benchmark report's data set through bulk paths. Patients go as FHIR
 * {@code batch} Bundles of PUT entries ({@link SeedBundles}) to {@code --fhir-url}; then a week of
 * vitals for the first {@code --vitals-patients} goes as NDJSON to the ingest gateway in
 * chronological waves ({@link SeedVitals}). Both with {@code --concurrency} requests in flight.
 * Prints progress, returns the run's report.
 */
public final class Seeder {

  static final String PATIENT_BUNDLE = "patient-bundle";
  static final String VITALS_BATCH = "vitals-batch";

  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
  private static final Map<String, String> NDJSON_HEADERS =
      Map.of(
          "Content-Type",
          "application/x-ndjson",
          "Accept",
          "application/json, application/problem+json");

  /** How long each phase took and what the vitals plan was, for the report. */
  record Phases(Duration patients, Duration vitals, SeedVitals plan, int waves) {}

  private final SeedOptions options;
  private final PrintStream out;
  private final Meters meters = new Meters();

  Seeder(SeedOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Seeds; the report passes when everything was accepted. */
  RunReport run() throws ScenarioException, InterruptedException {
    try (HttpLoadClient client =
        new HttpLoadClient(options.concurrency(), options.timeout(), options.auth().open(out))) {
      checkReachable(client);
      Instant started = Instant.now();
      SeedProgress progress = new SeedProgress(out, meters, options.patients());
      BulkSender sender = new BulkSender(options.concurrency(), meters);
      ScheduledExecutorService ticker = ticker(progress, sender);
      Phases phases;
      try {
        Duration patients = seedPatients(client, sender, progress);
        SeedVitals plan = SeedVitals.plan(options, Instant.now());
        progress.startVitals(plan.readings());
        long vitalsStart = System.nanoTime();
        int waves = seedVitals(client, sender, progress, plan);
        phases =
            new Phases(patients, Duration.ofNanos(System.nanoTime() - vitalsStart), plan, waves);
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      }
      progress.print(0);
      return new SeedReport(options, started, phases, progress, meters).build();
    }
  }

  private void checkReachable(HttpLoadClient client)
      throws ScenarioException, InterruptedException {
    Answer fhir =
        Reachability.check(
            client, "--fhir-url", options.fhirBase(), uri(options.fhirBase(), "/metadata"));
    out.printf(
        Locale.ROOT,
        "seed: %s answers GET /metadata with HTTP %d%n",
        options.fhirBase(),
        fhir.status());
    if (options.vitalsPatients() > 0) {
      Answer ingest =
          Reachability.check(
              client,
              "--ingest-url",
              options.ingestBase(),
              uri(options.ingestBase(), "/actuator/health"));
      out.printf(
          Locale.ROOT,
          "seed: %s answers GET /actuator/health with HTTP %d%n",
          options.ingestBase(),
          ingest.status());
    }
  }

  private ScheduledExecutorService ticker(SeedProgress progress, BulkSender sender) {
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "seed-progress");
              thread.setDaemon(true);
              return thread;
            });
    long every = options.progressEvery().toNanos();
    ticker.scheduleAtFixedRate(
        () -> progress.print(sender.inFlight()), every, every, TimeUnit.NANOSECONDS);
    return ticker;
  }

  private Duration seedPatients(HttpLoadClient client, BulkSender sender, SeedProgress progress)
      throws InterruptedException {
    out.printf(
        Locale.ROOT,
        "seed: %,d Patients %s..%s as PUT entries in batch Bundles of %d, %d in flight%n",
        options.patients(),
        options.ids().patientId(1),
        options.ids().patientId(options.patients()),
        options.batch(),
        options.concurrency());
    SeedBundles bundles = new SeedBundles(options.ids());
    long start = System.nanoTime();
    for (int first = 1; first <= options.patients(); first += options.batch()) {
      int count = Math.min(options.batch(), options.patients() - first + 1);
      String body = bundles.batch(first, count);
      sender.submit(
          PATIENT_BUNDLE,
          () -> client.post(options.fhirBase(), FhirBenchmark.FHIR_JSON, body),
          (answer, error) -> judgeBundle(answer, error, count, progress));
    }
    sender.awaitIdle();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static String judgeBundle(
      Answer answer, Throwable error, int count, SeedProgress progress) {
    if (error != null) {
      progress.patientsFailed.add(count);
      return BulkSender.transportFailure(error);
    }
    if (answer.status() != 200) {
      progress.patientsFailed.add(count);
      return "HTTP " + answer.status();
    }
    SeedBundles.EntryCounts entries = SeedBundles.count(answer.body());
    progress.patientsCreated.add(entries.created());
    progress.patientsUpdated.add(entries.updated());
    progress.patientsFailed.add(count - entries.accepted());
    return entries.accepted() == count ? null : "entries not accepted";
  }

  private int seedVitals(
      HttpLoadClient client, BulkSender sender, SeedProgress progress, SeedVitals plan)
      throws InterruptedException {
    if (!plan.hasNextWave()) {
      out.println("seed: no vitals (--vitals-patients=0)");
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "seed: %,d readings for %s..%s, %s to %s every %s, in chronological waves of"
            + " NDJSON requests (at most %,d readings each, %d in flight) to %s%n",
        plan.readings(),
        options.ids().patientId(1),
        options.ids().patientId(options.vitalsPatients()),
        plan.first(),
        plan.last(),
        options.vitalsEvery(),
        options.vitalsBatch(),
        options.concurrency(),
        options.ingestBase());
    URI endpoint = uri(options.ingestBase(), "/api/v1/vitals");
    List<SeedVitals.Batch> wave = plan.nextWave();
    int waves = 0;
    while (wave != null) {
      for (SeedVitals.Batch batch : wave) {
        byte[] body = batch.body().getBytes(StandardCharsets.UTF_8);
        sender.submit(
            VITALS_BATCH,
            () -> client.send(HttpMethod.POST, endpoint, NDJSON_HEADERS, body),
            (answer, error) -> judgeReadings(answer, error, batch.readings(), progress));
      }
      waves++;
      List<SeedVitals.Batch> next = plan.hasNextWave() ? plan.nextWave() : null;
      sender.awaitIdle();
      wave = next;
    }
    return waves;
  }

  private static String judgeReadings(
      Answer answer, Throwable error, int readings, SeedProgress progress) {
    if (error != null) {
      progress.readingsRejected.add(readings);
      return BulkSender.transportFailure(error);
    }
    Matcher accepted = ACCEPTED.matcher(answer.body());
    long count =
        (answer.status() == 200 || answer.status() == 207 || answer.status() == 422)
                && accepted.find()
            ? Long.parseLong(accepted.group(1))
            : 0;
    progress.readingsAccepted.add(count);
    progress.readingsRejected.add(readings - count);
    return answer.status() == 200 && count == readings ? null : "HTTP " + answer.status();
  }

  /** {@code base} with {@code path} appended to its own path. */
  public static URI uri(URI base, String path) {
    return URI.create(base + path);
  }
}
