package io.vitalflow.loadgen.interactions;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/**
 * Reads JMH's {@link RunResult}s into {@link JmhMeasurement}s: raw values of every fork and
 * iteration.
 */
final class JmhResults {

  private static final Map<String, String> NAMES =
      Map.of(
          "pluginAot", "plugin AOT",
          "pluginRuntimeCompiled", "plugin runtime-compiled",
          "pluginInterpreter", "plugin interpreter",
          "plainJavaReference", "plain-Java reference",
          "shippedPluginFirstCheck", "cold start: load + instantiate + first check (fresh JVM)",
          "loadNewVersionAndCheck", "hot reload: new version + first check (running JVM)");

  private JmhResults() {}

  static JmhMeasurement of(RunResult run) {
    BenchmarkParams params = run.getParams();
    TreeMap<Double, Long> values = new TreeMap<>();
    long operations = 0;
    long iterations = 0;
    for (BenchmarkResult fork : run.getBenchmarkResults()) {
      for (IterationResult iteration : fork.getIterationResults()) {
        iterations++;
        operations += iteration.getMetadata().getAllOps();
        Iterator<Map.Entry<Double, Long>> raw =
            iteration.getPrimaryResult().getStatistics().getRawData();
        while (raw.hasNext()) {
          Map.Entry<Double, Long> entry = raw.next();
          values.merge(entry.getKey(), entry.getValue(), Long::sum);
        }
      }
    }
    TimeUnit unit = params.getTimeUnit();
    double seconds =
        params.getMode() == Mode.SingleShotTime
            ? values.entrySet().stream().mapToDouble(e -> e.getKey() * e.getValue()).sum()
                * unit.toNanos(1)
                / 1e9
            : iterations * params.getMeasurement().getTime().convertTo(TimeUnit.NANOSECONDS) / 1e9;
    return new JmhMeasurement(
        operationName(params),
        params.getMode(),
        unit,
        values,
        operations,
        seconds,
        run.getPrimaryResult().getScore(),
        run.getPrimaryResult().getScoreError(),
        params.getThreads());
  }

  /** {@code hot 3 meds: plugin AOT} for the hot path, the method's description otherwise. */
  static String operationName(BenchmarkParams params) {
    String benchmark = params.getBenchmark();
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    String name = NAMES.getOrDefault(method, method);
    String medications =
        params.getParamsKeys().contains("medications") ? params.getParam("medications") : null;
    return medications == null ? name : "hot " + medications + " meds: " + name;
  }
}
