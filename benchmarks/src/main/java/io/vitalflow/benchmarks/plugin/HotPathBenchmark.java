package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginHost;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.host.PluginSource;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hot path: one check of the 3- or 10-medication list per call, on a loaded and warmed checker.
 * Mode, time unit, forks, threads and iterations come from {@code loadgen interactions} (its {@code
 * JmhParts}) or the JMH command line (not final: JMH subclasses benchmark classes).
 */
@State(Scope.Benchmark)
public class HotPathBenchmark {

  @Param({"3", "10"})
  int medications;

  private List<Medication> list;
  private WasmInteractionChecker aot;
  private WasmInteractionChecker runtimeCompiled;
  private WasmInteractionChecker interpreter;
  private InteractionChecker reference;

  @Setup(Level.Trial)
  public void setUp() {
    list = MedicationLists.ofSize(medications);
    aot = WasmInteractionChecker.shipped();
    runtimeCompiled =
        new WasmInteractionChecker(
            PluginHost.start(
                PluginSource.compiled(WasmInteractionChecker.PLUGIN_NAME, ShippedWasm.bytes()),
                PluginLimits.defaults()));
    interpreter =
        new WasmInteractionChecker(
            PluginHost.start(
                PluginSource.interpreted(WasmInteractionChecker.PLUGIN_NAME, ShippedWasm.bytes()),
                PluginLimits.defaults()));
    reference = ReferenceChecker.load();
    CheckResult expected = reference.check(list);
    if (expected.findings().isEmpty()
        || !aot.check(list).equals(expected)
        || !runtimeCompiled.check(list).equals(expected)
        || !interpreter.check(list).equals(expected)) {
      throw new IllegalStateException(
          "the " + medications + "-medication list does not behave as expected");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    aot.close();
    runtimeCompiled.close();
    interpreter.close();
  }

  /** The shipped plugin, compiled to JVM bytecode at build time, pooled instances. */
  @Benchmark
  public CheckResult pluginAot() {
    return aot.check(list);
  }

  /**
   * The same plugin bytes compiled to JVM bytecode when the host starts (no build-time
   * compilation).
   */
  @Benchmark
  public CheckResult pluginRuntimeCompiled() {
    return runtimeCompiled.check(list);
  }

  /** The same plugin bytes in Chicory's interpreter. */
  @Benchmark
  public CheckResult pluginInterpreter() {
    return interpreter.check(list);
  }

  /** The same rules in plain Java, no sandbox. */
  @Benchmark
  public CheckResult plainJavaReference() {
    return reference.check(list);
  }
}
