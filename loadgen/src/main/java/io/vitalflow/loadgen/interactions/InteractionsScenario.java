package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.interactions.InteractionsOptions.Part;
import io.vitalflow.loadgen.report.RunReport;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Scenario "interactions", the replaced report's Scenario 4: the interaction checker in-process
 * with JMH (hot path of 3 and 10 medications for the AOT plugin, the interpreter and the plain-Java
 * reference; cold start in fresh JVMs; hot reload in a running one), then the same check over HTTP
 * as CDS Hooks order-select calls. A part that fails is reported and the others still run.
 */
public final class InteractionsScenario {

  /** One measured part. */
  @FunctionalInterface
  private interface JmhPart {
    List<JmhMeasurement> run() throws RunnerException;
  }

  private final InteractionsOptions options;
  private final PrintStream out;

  public InteractionsScenario(InteractionsOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public RunReport run() throws InterruptedException, ScenarioException {
    Instant started = Instant.now();
    long start = System.nanoTime();
    HttpPart http = new HttpPart(options, out);
    if (options.runs(Part.HTTP)) {
      http.checkTarget();
    }
    String machineBefore = machine();
    List<String> failures = new ArrayList<>();
    JmhParts jmh = new JmhParts(options, out);
    List<JmhMeasurement> hot = measure(Part.HOT, jmh::hot, failures);
    List<JmhMeasurement> cold = measure(Part.COLD, jmh::cold, failures);
    List<JmhMeasurement> reload = measure(Part.RELOAD, jmh::reload, failures);
    LoadResult httpResult = options.runs(Part.HTTP) ? http.run() : null;
    Measurements measurements = new Measurements(hot, cold, reload, httpResult, failures);
    String machine = machineBefore + " at the start, " + loadAverage() + " at the end";
    return InteractionsReport.build(
        options, measurements, started, Duration.ofNanos(System.nanoTime() - start), machine);
  }

  private List<JmhMeasurement> measure(Part part, JmhPart run, List<String> failures) {
    if (!options.runs(part)) {
      return List.of();
    }
    out.println("interactions: " + part.flag() + " (JMH)");
    try {
      return run.run();
    } catch (RunnerException | RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      failures.add(part.flag() + ": " + message.lines().findFirst().orElse(message));
      out.println("interactions: " + part.flag() + " failed: " + message);
      return List.of();
    }
  }

  private static String machine() {
    return String.format(
        Locale.ROOT,
        "%d CPUs, JDK %s, load average %s",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        loadAverage());
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", load);
  }
}
