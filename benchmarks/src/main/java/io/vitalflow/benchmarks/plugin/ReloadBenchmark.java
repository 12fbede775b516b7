package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hot reload in a running JVM, one single shot per iteration: parse and validate the new version's
 * bytes, swap it in (interpreter at once, runtime compilation in the background) and answer the
 * first check. The background compilation is not part of the time, but competes for the CPUs with
 * the shots that follow.
 */
@State(Scope.Benchmark)
public class ReloadBenchmark {

  private byte[] wasm;
  private WasmInteractionChecker checker;

  @Setup(Level.Trial)
  public void setUp() {
    wasm = ShippedWasm.bytes();
    checker = WasmInteractionChecker.shipped();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    checker.close();
  }

  @Benchmark
  public CheckResult loadNewVersionAndCheck() {
    checker.reload(PluginSource.wasm(WasmInteractionChecker.PLUGIN_NAME, wasm));
    return checker.check(MedicationLists.THREE);
  }
}
