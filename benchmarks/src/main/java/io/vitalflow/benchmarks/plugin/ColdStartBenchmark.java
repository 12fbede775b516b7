package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.WasmInteractionChecker;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Cold start, run as one single shot per fresh JVM (fork): load the shipped AOT plugin's classes,
 * start the host (instantiate, warm-up call), answer the first check of the three medications,
 * close. JVM start-up itself is outside the time.
 */
public class ColdStartBenchmark {

  @Benchmark
  public CheckResult shippedPluginFirstCheck() {
    try (WasmInteractionChecker checker = WasmInteractionChecker.shipped()) {
      return checker.check(MedicationLists.THREE);
    }
  }
}
