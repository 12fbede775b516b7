package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.report.RunReport.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Our figures next to the replaced system's "Scenario 4: WASM Plugin Execution" (Extism 1.5.4 on
 * Elixir, Rust plugin, Benchee, AWS c6i.2xlarge with 8 vCPUs), with what differs.
 */
final class Scenario4 {

  private static final String JSON_VS_BINARY =
      "theirs: JSON encode + Extism call + JSON decode (their breakdown:"
          + " 3.9 µs of FFI and JSON, 37% of the hot path); ours: binary ABI, list encoded, copied in, called, copied"
          + " out, decoded into Java records";

  private Scenario4() {}

  static List<Comparison> compare(Measurements m) {
    List<Comparison> rows = new ArrayList<>();
    m.coldStart().ifPresent(cold -> coldRows(rows, cold));
    m.hot(3, "plugin AOT").ifPresent(aot -> hotRows(rows, aot));
    m.hot(3, "plain-Java reference")
        .ifPresent(
            ref ->
                rows.add(
                    new Comparison(
                        "native implementation, average" + " (3 meds)",
                        micros(ref.meanMicros()) + " (plain-Java reference)",
                        "8.3 µs (native Elixir)",
                        "the same rules without a sandbox; ours scans every rule per pair (unoptimised)")));
    ratioRows(rows, m);
    rows.add(
        new Comparison(
            "breaking point",
            breakingPoint(m),
            "180,000 ops/s (98% CPU, 7.2% errors)",
            "not reproduced: we do not ramp in-process calls until errors; the single-thread hot path and the HTTP"
                + " part bound it"));
    m.reloaded()
        .ifPresent(
            reload ->
                rows.add(
                    new Comparison(
                        "new plugin version in a running system",
                        millis(reload.meanMicros())
                            + " mean, p50 "
                            + millis(reload.percentileMicros(50)),
                        "",
                        "the report has no hot reload; a new version there is a new Extism.Plugin.new (their cold start)")));
    return rows;
  }

  private static void coldRows(List<Comparison> rows, JmhMeasurement cold) {
    String note =
        "theirs: load + validate + Cranelift JIT (22.4 ms) + instantiate + first call; ours: plugin"
            + " compiled to JVM bytecode at build time, so the time is class loading, host start and a JVM that has"
            + " not warmed up (JVM start itself excluded); "
            + cold.valueCount()
            + " runs vs their 1,000";
    rows.add(new Comparison("cold start, average", millis(cold.meanMicros()), "46.7 ms", note));
    rows.add(
        new Comparison(
            "cold start, median / p99",
            millis(cold.percentileMicros(50)) + " / " + millis(cold.percentileMicros(99)),
            "42.1 ms / 78.3 ms",
            "same as above; p99 of few runs is their max"));
  }

  private static void hotRows(List<Comparison> rows, JmhMeasurement aot) {
    rows.add(
        new Comparison(
            "hot path, average (3 meds)", micros(aot.meanMicros()), "10.5 µs", JSON_VS_BINARY));
    rows.add(
        new Comparison(
            "hot path, median / p99 (3 meds)",
            micros(aot.percentileMicros(50)) + " / " + micros(aot.percentileMicros(99)),
            "8.9 µs / 23.1 µs",
            "ours: JMH-sampled single calls, timer included"));
    rows.add(
        new Comparison(
            "hot path, calls per second",
            String.format(Locale.ROOT, "%,.0f/s (one thread)", aot.callsPerSecond()),
            "95,000 ips",
            "theirs: Benchee ips, one process"));
  }

  private static void ratioRows(List<Comparison> rows, Measurements m) {
    m.hot(3, "plugin AOT")
        .flatMap(
            aot ->
                m.hot(3, "plain-Java reference")
                    .map(
                        ref ->
                            new Comparison(
                                "plugin vs native (3 meds)",
                                percent(aot.meanMicros() / ref.meanMicros())
                                    + " of the native time",
                                "10.5 vs 8.3 µs = 127% (the report says 6.8% overhead, 93.2% of native speed)",
                                "the report's own figures do not give its overhead claim")))
        .ifPresent(rows::add);
    m.hot(3, "plugin interpreter")
        .flatMap(
            interp ->
                m.hot(3, "plain-Java reference")
                    .map(
                        ref ->
                            new Comparison(
                                "interpreted WASM vs native (3 meds)",
                                percent(ref.meanMicros() / interp.meanMicros())
                                    + " of native speed",
                                "30-50% (stated, not measured)",
                                "ours: Chicory's interpreter")))
        .ifPresent(rows::add);
  }

  private static String breakingPoint(Measurements m) {
    String hot =
        m.hot(3, "plugin AOT")
            .map(
                aot ->
                    String.format(
                        Locale.ROOT, "%,.0f calls/s per thread in-process", aot.callsPerSecond()))
            .orElse("hot path not run");
    String http =
        m.http() == null
            ? ""
            : String.format(
                Locale.ROOT,
                "; %,.0f CDS calls/s over HTTP at peak %d",
                m.http().all().perSecond(),
                m.http().peakConcurrency());
    return hot + http;
  }

  static String micros(double micros) {
    return Double.isNaN(micros)
        ? "n/a"
        : String.format(Locale.ROOT, micros < 10 ? "%.3f µs" : "%,.1f µs", micros);
  }

  static String millis(double micros) {
    return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, "%,.1f ms", micros / 1000);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }
}
