package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.engine.JsonText;
import io.vitalflow.loadgen.simulator.Patients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The seeder's vitals history as NDJSON bodies for the ingest gateway: one set of six vitals per
 * patient and interval, from a little after {@code now - 7 days} (the gateway's max-age) up to now.
 *
 * <p>The stream processor's windows use event time: a window closes for good once the stream time
 * of its partition passes the window's end plus grace (30 s for minutes, 5 min for hours). So the
 * history goes out in chronological <em>waves</em> of intervals spanning less than {@link
 * #WAVE_SPAN}; the seeder sends the next wave only when every request of the previous one has been
 * acknowledged (the gateway answers after Kafka did). Requests of one wave may arrive in any order
 * without any reading falling behind a closed window. Not thread-safe: one thread builds the waves.
 */
public final class SeedVitals {

  static final int VITALS_PER_SET = Patients.VITALS_PER_PATIENT;

  /** Readings in flight together span less than this: the grace of the 1-minute windows. */
  static final Duration WAVE_SPAN = Duration.ofSeconds(30);

  /**
   * The first reading is this much younger than the gateway's 7-day max-age, for the time seeding
   * takes.
   */
  static final Duration AGE_MARGIN = Duration.ofMinutes(15);

  /** One NDJSON request: its body, how many readings it holds and the effective times it covers. */
  record Batch(String body, int readings, Instant from, Instant to) {}

  private final SeededPatients ids;
  private final int patients;
  private final Instant first;
  private final Duration every;
  private final int steps;
  private final int stepsPerWave;
  private final int maxSetsPerBatch;
  private final int parallel;

  /** The random walks of the vitals; index 0 is Patient 1. No patient deteriorates. */
  private final Patients walks;

  private int nextStep;

  /**
   * @param patients Patients 1..patients get vitals
   * @param maxBatch most readings per request
   * @param parallel a wave is split into at least this many requests (when it has enough readings)
   */
  SeedVitals(
      SeededPatients ids,
      int patients,
      Instant first,
      Duration every,
      int steps,
      int maxBatch,
      int parallel) {
    this.ids = ids;
    this.patients = patients;
    this.first = first;
    this.every = every;
    this.steps = steps;
    this.stepsPerWave = (int) ((WAVE_SPAN.toNanos() - 1) / every.toNanos()) + 1;
    this.maxSetsPerBatch = maxBatch / VITALS_PER_SET;
    this.parallel = parallel;
    this.walks = new Patients("", patients, 0, 42);
  }

  /** The history {@code options} ask for, ending at {@code now}. */
  static SeedVitals plan(SeedOptions options, Instant now) {
    Instant oldest = now.minus(Duration.ofDays(SeedOptions.MAX_VITALS_DAYS)).plus(AGE_MARGIN);
    Instant wanted = now.minus(Duration.ofDays(options.vitalsDays()));
    Instant first = alignUp(wanted.isBefore(oldest) ? oldest : wanted, options.vitalsEvery());
    int steps =
        (int) (Duration.between(first, now).toNanos() / options.vitalsEvery().toNanos()) + 1;
    return new SeedVitals(
        options.ids(),
        options.vitalsPatients(),
        first,
        options.vitalsEvery(),
        steps,
        options.vitalsBatch(),
        options.concurrency());
  }

  /**
   * {@code time} rounded up to a multiple of {@code every} since the epoch, so windows fill evenly.
   */
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

  /**
   * The requests of the next wave, each chronological, together covering its intervals for every
   * patient.
   */
  List<Batch> nextWave() {
    int waveSteps = Math.min(stepsPerWave, steps - nextStep);
    long sets = (long) waveSteps * patients;
    long requests =
        Math.max((sets + maxSetsPerBatch - 1) / maxSetsPerBatch, Math.min(parallel, sets));
    long perRequest = (sets + requests - 1) / requests;
    List<Batch> batches = new ArrayList<>((int) requests);
    for (long from = 0; from < sets; from += perRequest) {
      batches.add(batch(nextStep, from, Math.min(sets, from + perRequest)));
    }
    nextStep += waveSteps;
    return batches;
  }

  /**
   * Sets {@code from..to-1} of the wave starting at {@code step}: set {@code s} is step {@code s /
   * patients}.
   */
  private Batch batch(int step, long from, long to) {
    StringBuilder body = new StringBuilder((int) (to - from) * VITALS_PER_SET * 170);
    for (long s = from; s < to; s++) {
      Instant time = time(step + (int) (s / patients));
      int patient = (int) (s % patients) + 1;
      for (int v = 0; v < VITALS_PER_SET; v++) {
        appendReading(body, patient, v, time);
      }
    }
    return new Batch(
        body.toString(),
        (int) (to - from) * VITALS_PER_SET,
        time(step + (int) (from / patients)),
        time(step + (int) ((to - 1) / patients)));
  }

  private Instant time(int step) {
    return first.plus(every.multipliedBy(step));
  }

  /** One NDJSON line; the reading id is deterministic ({@code <patient>-<code>-<epoch second>}). */
  void appendReading(StringBuilder out, int patient, int vital, Instant time) {
    String patientId = ids.patientId(patient);
    out.append("{\"id\":");
    JsonText.string(out, patientId + "-" + Patients.code(vital) + "-" + time.getEpochSecond());
    JsonText.string(out.append(",\"patientId\":"), patientId);
    JsonText.string(out.append(",\"deviceId\":"), ids.deviceId(patient));
    JsonText.string(out.append(",\"code\":"), Patients.code(vital));
    out.append(",\"value\":").append(walks.next(patient - 1, vital));
    JsonText.string(out.append(",\"unit\":"), Patients.unit(vital));
    JsonText.string(out.append(",\"effectiveTime\":"), time.toString()).append("}\n");
  }
}
