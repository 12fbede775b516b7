package io.vitalflow.loadgen.stress;

import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.LoadRunner;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.fhir.FhirBenchmark;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.Comparison;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The report's breaking-point test: the FHIR CRUD mix at a constant arrival rate, step after step,
 * each step {@code growth} times the last, until a step breaks (error rate above the limit or p99
 * above the limit); then a few bisection steps between the last step that held and the first that
 * broke. Reports the highest rate that held, the first that broke and why (which limit, the errors
 * seen, machine and generator CPU).
 */
public final class StressScenario {

  /** One step: the offered rate and what came of it. */
  record Step(int rate, LoadResult load, double machineCpu, double generatorCpu, String broken) {

    boolean held() {
      return broken == null;
    }
  }

  /**
   * The steps in the order run, the report, and whether the run met its goal: with {@code
   * --expect-at-least}, a step at that rate or above held (the breaking point is above the
   * expectation); without it, a step ran.
   */
  public record Result(List<Step> steps, RunReport report, boolean passed) {}

  private final StressOptions options;
  private final PrintStream out;

  public StressScenario(StressOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run() throws ScenarioException, InterruptedException {
    FhirBenchmark fhir = new FhirBenchmark(options.fhir(), out);
    try {
      fhir.prepare();
      Instant started = Instant.now();
      List<Step> steps = new ArrayList<>();
      Step lastHeld = null;
      Step firstBroken = null;
      for (int rate = options.startRate(); rate <= options.maxRate(); rate = next(rate)) {
        Step step = step(fhir, rate);
        steps.add(step);
        if (!step.held()) {
          firstBroken = step;
          break;
        }
        lastHeld = step;
      }
      for (int i = 0; i < options.refineSteps() && lastHeld != null && firstBroken != null; i++) {
        int middle = (lastHeld.rate() + firstBroken.rate()) / 2;
        if (middle <= lastHeld.rate() || middle >= firstBroken.rate()) {
          break;
        }
        Step step = step(fhir, middle);
        steps.add(step);
        if (step.held()) {
          lastHeld = step;
        } else {
          firstBroken = step;
        }
      }
      Step highestHeld = lastHeld;
      boolean passed =
          !steps.isEmpty()
              && options.expectAtLeast().stream()
                  .allMatch(expected -> expectationMet(highestHeld, expected));
      options
          .expectAtLeast()
          .ifPresent(
              expected ->
                  out.printf(
                      Locale.ROOT,
                      "stress: expected a step of at least" + " %,d/s to hold: %s%n",
                      expected,
                      passed ? "met" : "NOT MET"));
      return new Result(steps, report(started, steps, lastHeld, firstBroken), passed);
    } finally {
      fhir.close();
    }
  }

  /**
   * The breaking point is above {@code expected} when the highest step that held ran at {@code
   * expected} or more.
   */
  private static boolean expectationMet(Step lastHeld, int expected) {
    return lastHeld != null && lastHeld.rate() >= expected;
  }

  private int next(int rate) {
    int next = (int) Math.ceil(rate * options.growth());
    return next == rate ? rate + 1 : next;
  }

  private Step step(FhirBenchmark fhir, int rate) throws InterruptedException {
    out.printf(
        Locale.ROOT,
        "stress: step %,d arrivals/s for %d s%n",
        rate,
        options.stepDuration().toSeconds());
    CpuMeter cpu = new CpuMeter();
    LoadModel.Open model =
        new LoadModel.Open(
            Stages.parse("0s:" + rate + "," + options.stepDuration().toMillis() + "ms:" + rate),
            options.maxInFlight());
    LoadResult load =
        new LoadRunner(model, Duration.ofSeconds(5), out, String.format(Locale.ROOT, "%,d/s", rate))
            .run(fhir.workload());
    Step step = new Step(rate, load, cpu.machine(), cpu.generator(), broken(load));
    out.printf(
        Locale.ROOT,
        "stress: %,d/s %s: %,.0f req/s done, p99 %.1f ms, errors %.2f%%, machine CPU %.0f%%,"
            + " generator CPU %.0f%%%n",
        rate,
        step.held() ? "held" : "BROKE (" + step.broken() + ")",
        load.all().perSecond(),
        load.all().millisAt(99),
        load.all().errorRate() * 100,
        step.machineCpu() * 100,
        step.generatorCpu() * 100);
    if (!options.pause().isZero()) {
      TimeUnit.MILLISECONDS.sleep(options.pause().toMillis());
    }
    return step;
  }

  /**
   * Which limit the step broke, or null. Arrivals that never started count as errors: the rate was
   * not served.
   */
  private String broken(LoadResult load) {
    OperationSummary all = load.all();
    long attempted = all.count() + load.notStarted();
    double errorRate = attempted == 0 ? 1 : (double) (all.errors() + load.notStarted()) / attempted;
    List<String> reasons = new ArrayList<>();
    if (errorRate > options.breakErrorRate()) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "error rate %.2f%% > %.2f%%%s",
              errorRate * 100,
              options.breakErrorRate() * 100,
              errorKinds(all, load.notStarted())));
    }
    double p99 = all.millisAt(99);
    if (p99 > options.breakP99().toMillis()) {
      reasons.add(
          String.format(Locale.ROOT, "p99 %.0f ms > %d ms", p99, options.breakP99().toMillis()));
    }
    return reasons.isEmpty() ? null : String.join("; ", reasons);
  }

  private static String errorKinds(OperationSummary all, long notStarted) {
    Map<String, Long> kinds = new java.util.TreeMap<>(all.errorKinds());
    if (notStarted > 0) {
      kinds.put("never started", notStarted);
    }
    return kinds.isEmpty()
        ? ""
        : " ("
            + kinds.entrySet().stream()
                .map(e -> e.getKey() + ": " + String.format(Locale.ROOT, "%,d", e.getValue()))
                .collect(Collectors.joining(", "))
            + ")";
  }

  private RunReport report(Instant started, List<Step> steps, Step lastHeld, Step firstBroken) {
    List<OperationSummary> operations = new ArrayList<>();
    List<TimelinePoint> timeline = new ArrayList<>();
    List<RunReport.Result> results = new ArrayList<>();
    double offset = 0;
    Duration elapsed = Duration.ZERO;
    for (Step step : steps) {
      OperationSummary all = step.load().all();
      String name = String.format(Locale.ROOT, "%,d/s", step.rate());
      operations.add(
          new OperationSummary(
              name,
              all.count(),
              all.errors(),
              all.errorKinds(),
              all.latencyMicros(),
              all.seconds()));
      for (TimelinePoint point : step.load().timeline()) {
        timeline.add(
            new TimelinePoint(
                offset + point.atSeconds(),
                point.perSecond(),
                point.errors(),
                point.p50Millis(),
                point.p99Millis(),
                point.concurrency()));
      }
      offset += step.load().elapsed().toNanos() / 1e9;
      elapsed = elapsed.plus(step.load().elapsed());
      results.add(
          new RunReport.Result(
              "step " + name,
              String.format(
                  Locale.ROOT,
                  "%,.0f req/s served, p99 %.1f ms, errors %.2f%%, never started %,d, machine CPU %.0f%%, generator CPU"
                      + " %.0f%%: %s",
                  all.perSecond(),
                  all.millisAt(99),
                  all.errorRate() * 100,
                  step.load().notStarted(),
                  step.machineCpu() * 100,
                  step.generatorCpu() * 100,
                  step.held() ? "held" : "broke: " + step.broken())));
    }
    List<String> notes = new ArrayList<>();
    results.add(0, new RunReport.Result("breaking point", verdict(lastHeld, firstBroken)));
    if (firstBroken != null && firstBroken.machineCpu() > 0.9) {
      notes.add(
          String.format(
              Locale.ROOT,
              "At %,d/s the machine's CPU was %.0f%% busy (generator %.0f%%): broker,"
                  + " database, services and generator share 2 cores, so the bottleneck is the machine.",
              firstBroken.rate(),
              firstBroken.machineCpu() * 100,
              firstBroken.generatorCpu() * 100));
    }
    if (firstBroken == null) {
      notes.add("No step broke up to --max-rate; raise it to find the limit.");
    }
    List<Setting> settings =
        List.of(
            new Setting("target", options.fhir().fhirBase().toString()),
            new Setting("workload", "FHIR CRUD mix " + options.fhir().mix()),
            new Setting(
                "steps",
                String.format(
                    Locale.ROOT,
                    "open model from %,d/s, x%.2f per step, %d s each, %d s"
                        + " pause, %d bisection steps, at most %,d in flight",
                    options.startRate(),
                    options.growth(),
                    options.stepDuration().toSeconds(),
                    options.pause().toSeconds(),
                    options.refineSteps(),
                    options.maxInFlight())),
            new Setting(
                "a step breaks at",
                String.format(
                    Locale.ROOT,
                    "error rate > %.1f%% or p99 > %d ms",
                    options.breakErrorRate() * 100,
                    options.breakP99().toMillis())));
    List<Comparison> comparisons = new ArrayList<>();
    if (lastHeld != null) {
      OperationSummary held = lastHeld.load().all();
      comparisons.add(
          new Comparison(
              "highest rate held",
              String.format(Locale.ROOT, "%,.0f req/s", held.perSecond()),
              "127,000 req/s (broke there)",
              "theirs: a cluster with 80,000 users; ours: one 2-core"
                  + " machine running everything"));
      comparisons.add(
          new Comparison(
              "p99 at that rate",
              String.format(Locale.ROOT, "%.1f ms", held.millisAt(99)),
              "523 ms (at the break)",
              ""));
    }
    if (firstBroken != null) {
      comparisons.add(
          new Comparison(
              "bottleneck", firstBroken.broken(), "database connection pool exhausted (200)", ""));
    }
    List<ThresholdResult> thresholds = new ArrayList<>();
    options
        .expectAtLeast()
        .ifPresent(
            expected ->
                thresholds.add(
                    new ThresholdResult(
                        String.format(
                            Locale.ROOT,
                            "a step of at least %,d/s held (--expect-at-least)",
                            expected),
                        lastHeld == null
                            ? "no step held"
                            : String.format(
                                Locale.ROOT, "highest step held: %,d/s", lastHeld.rate()),
                        expectationMet(lastHeld, expected))));
    return new RunReport(
        "stress",
        "Stress: breaking point of the FHIR CRUD mix",
        started,
        elapsed,
        settings,
        operations,
        timeline,
        results,
        comparisons,
        thresholds,
        notes);
  }

  private static String verdict(Step lastHeld, Step firstBroken) {
    if (firstBroken == null) {
      return lastHeld == null
          ? "no step ran"
          : String.format(Locale.ROOT, "not reached: %,d/s still held", lastHeld.rate());
    }
    String broke =
        String.format(Locale.ROOT, "broke at %,d/s: %s", firstBroken.rate(), firstBroken.broken());
    return lastHeld == null
        ? "the first step already " + broke
        : String.format(Locale.ROOT, "held %,d/s; %s", lastHeld.rate(), broke);
  }

  /** Average CPU use of the machine and of this process since it was made. */
  private static final class CpuMeter {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long startWall = System.nanoTime();
    private final long startProcess = os.getProcessCpuTime();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final double[] machineSamples = new double[] {0, 0};
    private final Thread sampler;

    CpuMeter() {
      os.getCpuLoad();
      sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    TimeUnit.SECONDS.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                  double load = os.getCpuLoad();
                  if (load >= 0) {
                    synchronized (machineSamples) {
                      machineSamples[0] += load;
                      machineSamples[1]++;
                    }
                  }
                }
              },
              "stress-cpu");
      sampler.setDaemon(true);
      sampler.start();
    }

    double machine() {
      sampler.interrupt();
      synchronized (machineSamples) {
        return machineSamples[1] == 0 ? 0 : machineSamples[0] / machineSamples[1];
      }
    }

    double generator() {
      long wall = System.nanoTime() - startWall;
      return wall <= 0 ? 0 : (double) (os.getProcessCpuTime() - startProcess) / wall / cores;
    }
  }
}
