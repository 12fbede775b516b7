package io.vitalflow.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeder's vitals history as NDJSON bodies for the ingest gateway: one set of six vitals per patient and
 * interval, from a little after {@code now - 7 days} (the gateway's max-age) up to now.
 * <p>
 * The stream processor's windows use event time: a window closes for good once the stream time of its partition
 * passes the window's end plus grace (30 s for minutes, 5 min for hours). So the history goes out in
 * chronological <em>waves</em> of intervals spanning less than {@link #WAVE_SPAN}; the seeder sends the next wave
 * only when every request of the previous one has been acknowledged (the gateway answers after Kafka did).
 * Requests of one wave may arrive in any order without any reading falling behind a closed window. Not
 * thread-safe: one thread builds the waves.
 */
final class SeedVitals {

  static final int VITALS_PER_SET = 6;

  /** Readings in flight together span less than this: the grace of the 1-minute windows. */
  static final Duration WAVE_SPAN = Duration.ofSeconds(30);

  /** The first reading is this much younger than the gateway's 7-day max-age, for the time seeding takes. */
  static final Duration AGE_MARGIN = Duration.ofMinutes(15);

  /** LOINC code, canonical unit, normal value, step of the random walk, lower bound, upper bound. */
  private static final Object[][] VITALS = {
      {"8867-4", "/min", 75.0, 3.0, 35.0, 160.0},
      {"59408-5", "%", 97.0, 0.6, 82.0, 100.0},
      {"8480-6", "mm[Hg]", 122.0, 3.0, 80.0, 210.0},
      {"8462-4", "mm[Hg]", 78.0, 2.0, 45.0, 120.0},
      {"8310-5", "Cel", 36.9, 0.05, 35.0, 40.5},
      {"9279-1", "/min", 15.0, 0.6, 8.0, 32.0},
  };

  /** One NDJSON request: its body, how many readings it holds and the effective times it covers. */
  record Batch(String body, int readings, Instant from, Instant to) {
  }

  private final SeededPatients ids;
  private final int patients;
  private final Instant first;
  private final Duration every;
  private final int steps;
  private final int stepsPerWave;
  private final int maxSetsPerBatch;
  private final int parallel;
  private final double[][] values;
  private final SplittableRandom random = new SplittableRandom(42);
  private int nextStep;

  /**
   * @param patients Patients 1..patients get vitals
   * @param maxBatch most readings per request
   * @param parallel a wave is split into at least this many requests (when it has enough readings)
   */
  SeedVitals(SeededPatients ids, int patients, Instant first, Duration every, int steps, int maxBatch,
      int parallel) {
    this.ids = ids;
    this.patients = patients;
    this.first = first;
    this.every = every;
    this.steps = steps;
    this.stepsPerWave = (int) ((WAVE_SPAN.toNanos() - 1) / every.toNanos()) + 1;
    this.maxSetsPerBatch = maxBatch / VITALS_PER_SET;
    this.parallel = parallel;
    this.values = new double[patients][VITALS_PER_SET];
    for (double[] patient : values) {
      for (int v = 0; v < VITALS_PER_SET; v++) {
        patient[v] = (double) VITALS[v][2];
      }
    }
  }

  /** The history {@code options} ask for, ending at {@code now}. */
  static SeedVitals plan(SeedOptions options, Instant now) {
    Instant oldest = now.minus(Duration.ofDays(SeedOptions.MAX_VITALS_DAYS)).plus(AGE_MARGIN);
    Instant wanted = now.minus(Duration.ofDays(options.vitalsDays()));
    Instant first = alignUp(wanted.isBefore(oldest) ? oldest : wanted, options.vitalsEvery());
    int steps = (int) (Duration.between(first, now).toNanos() / options.vitalsEvery().toNanos()) + 1;
    return new SeedVitals(options.ids(), options.vitalsPatients(), first, options.vitalsEvery(), steps,
        options.vitalsBatch(), options.concurrency());
  }

  /** {@code time} rounded up to a multiple of {@code every} since the epoch, so windows fill evenly. */
  static Instant alignUp(Instant time, Duration every) {
    long millis = every.toMillis();
    long t = time.toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(t + millis - 1, millis) * millis);
  }

  Instant first() {
    return first;
  }

  Instant last() {
    return time(steps - 1);
  }

  int steps() {
    return steps;
  }

  long readings() {
    return (long) patients * VITALS_PER_SET * steps;
  }

  boolean hasNextWave() {
    return patients > 0 && nextStep < steps;
  }

  /** The requests of the next wave, each chronological, together covering its intervals for every patient. */
  List<Batch> nextWave() {
    int waveSteps = Math.min(stepsPerWave, steps - nextStep);
    long sets = (long) waveSteps * patients;
    long requests = Math.max((sets + maxSetsPerBatch - 1) / maxSetsPerBatch, Math.min(parallel, sets));
    long perRequest = (sets + requests - 1) / requests;
    List<Batch> batches = new ArrayList<>((int) requests);
    for (long from = 0; from < sets; from += perRequest) {
      batches.add(batch(nextStep, from, Math.min(sets, from + perRequest)));
    }
    nextStep += waveSteps;
    return batches;
  }

  /** Sets {@code from..to-1} of the wave starting at {@code step}: set {@code s} is step {@code s / patients}. */
  private Batch batch(int step, long from, long to) {
    StringBuilder body = new StringBuilder((int) (to - from) * VITALS_PER_SET * 170);
    for (long s = from; s < to; s++) {
      Instant time = time(step + (int) (s / patients));
      int patient = (int) (s % patients) + 1;
      for (int v = 0; v < VITALS_PER_SET; v++) {
        appendReading(body, patient, v, time);
      }
    }
    return new Batch(body.toString(), (int) (to - from) * VITALS_PER_SET, time(step + (int) (from / patients)),
        time(step + (int) ((to - 1) / patients)));
  }

  private Instant time(int step) {
    return first.plus(every.multipliedBy(step));
  }

  /** One NDJSON line; the reading id is deterministic ({@code <patient>-<code>-<epoch second>}). */
  void appendReading(StringBuilder out, int patient, int vital, Instant time) {
    String patientId = ids.patientId(patient);
    out.append("{\"id\":");
    JsonText.string(out, patientId + "-" + VITALS[vital][0] + "-" + time.getEpochSecond());
    JsonText.string(out.append(",\"patientId\":"), patientId);
    JsonText.string(out.append(",\"deviceId\":"), ids.deviceId(patient));
    JsonText.string(out.append(",\"code\":"), (String) VITALS[vital][0]);
    out.append(",\"value\":").append(next(patient - 1, vital));
    JsonText.string(out.append(",\"unit\":"), (String) VITALS[vital][1]);
    JsonText.string(out.append(",\"effectiveTime\":"), time.toString()).append("}\n");
  }

  /** The next value of a mean-reverting random walk within the vital's bounds, to one decimal. */
  private double next(int patient, int vital) {
    double step = (double) VITALS[vital][3];
    double value = values[patient][vital];
    value += ((double) VITALS[vital][2] - value) * 0.1 + (random.nextDouble() * 2 - 1) * step;
    value = Math.max((double) VITALS[vital][4], Math.min((double) VITALS[vital][5], value));
    values[patient][vital] = value;
    return Math.round(value * 10) / 10.0;
  }
}
