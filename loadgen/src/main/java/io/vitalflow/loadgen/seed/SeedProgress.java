package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The seeder's counters and its live progress lines (Patients/s, readings/s, failures, time left),
 * one per interval, each also a point of the report's timeline. Counters may be updated from any
 * thread; {@link #print} belongs to one reporting thread.
 */
public final class SeedProgress {

  final LongAdder patientsCreated = new LongAdder();
  final LongAdder patientsUpdated = new LongAdder();
  final LongAdder patientsFailed = new LongAdder();
  final LongAdder readingsAccepted = new LongAdder();
  final LongAdder readingsRejected = new LongAdder();

  private final PrintStream out;
  private final Meters meters;
  private final long patientsPlanned;
  private final long start = System.nanoTime();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final AtomicLong phaseStart = new AtomicLong(start);
  private volatile long readingsPlanned;
  private volatile boolean vitalsPhase;
  private double lastAt;

  SeedProgress(PrintStream out, Meters meters, long patientsPlanned) {
    this.out = out;
    this.meters = meters;
    this.patientsPlanned = patientsPlanned;
  }

  long patientsAccepted() {
    return patientsCreated.sum() + patientsUpdated.sum();
  }

  /** The patient phase is over; from now on the time left is the vitals phase's. */
  void startVitals(long planned) {
    readingsPlanned = planned;
    phaseStart.set(System.nanoTime());
    vitalsPhase = true;
  }

  /** Prints one line and adds a timeline point; {@code inFlight} requests are outstanding. */
  void print(long inFlight) {
    long now = System.nanoTime();
    double at = (now - start) / 1e9;
    Meters.Interval interval = meters.harvest();
    timeline.add(
        new TimelinePoint(
            at,
            at > lastAt ? interval.count() / (at - lastAt) : 0,
            interval.errors(),
            millis(interval, 50),
            millis(interval, 99),
            inFlight));
    lastAt = at;
    double phaseSeconds = Math.max(1e-3, (now - phaseStart.get()) / 1e9);
    long patients = patientsAccepted();
    long readings = readingsAccepted.sum();
    double patientRate = vitalsPhase ? 0 : patients / phaseSeconds;
    double readingRate = vitalsPhase ? readings / phaseSeconds : 0;
    out.printf(
        Locale.ROOT,
        "  seed %5.0fs  patients %,d of %,d (%,.0f/s)  readings %,d of %,d (%,.0f/s)"
            + "  failed requests %,d  %s%n",
        at,
        patients,
        patientsPlanned,
        patientRate,
        readings,
        readingsPlanned,
        readingRate,
        meters.errors(),
        left(patients, patientRate, readings, readingRate));
  }

  private String left(long patients, double patientRate, long readings, double readingRate) {
    if (vitalsPhase) {
      return readingRate > 0
          ? String.format(
              Locale.ROOT, "vitals left ~%.0fs", (readingsPlanned - readings) / readingRate)
          : "vitals starting";
    }
    return patientRate > 0
        ? String.format(
            Locale.ROOT,
            "patients left ~%.0fs, then vitals",
            (patientsPlanned - patients) / patientRate)
        : "patients starting";
  }

  List<TimelinePoint> timeline() {
    return List.copyOf(timeline);
  }

  private static double millis(Meters.Interval interval, double percentile) {
    return interval.latencyMicros().getTotalCount() == 0
        ? 0
        : interval.latencyMicros().getValueAtPercentile(percentile) / 1000.0;
  }
}
