package io.vitalflow.benchmarks.plugin;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Cold start as one process: from the start of loading (shipped knowledge + plugin) to the first
 * answered check, in wall time, in process CPU time (all threads, JIT compiler and GC included) and
 * in CPU time of the main thread (the critical path when a second core is free): on a machine
 * shared with other builds the wall time mostly measures waiting for a core, the CPU times do not.
 * Run in a fresh JVM per sample, optionally with a class-data sharing archive (see
 * docs/interaction-checker.md, "Numbers").
 */
public final class ColdStartProbe {

  /**
   * warfarin, ibuprofen, aspirin, by ingredient code (the numbers in the docs were measured with
   * this list)
   */
  private static final List<Medication> THREE =
      List.of(Medication.rxcui("11289"), Medication.rxcui("5640"), Medication.rxcui("1191"));

  public static void main(String[] args) {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var threads = ManagementFactory.getThreadMXBean();
    long cpu0 = os.getProcessCpuTime();
    long main0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    CheckResult r;
    try (WasmInteractionChecker checker = WasmInteractionChecker.shipped()) {
      r = checker.check(THREE);
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long main1 = threads.getCurrentThreadCpuTime();
      long sinceJvmStart =
          System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
      System.out.printf(
          "first check %.1f ms after loading started (process CPU %.1f ms, main thread %.1f ms,"
              + " before it %.1f ms); %d ms after JVM start; %d findings%n",
          (t1 - t0) / 1e6,
          (cpu1 - cpu0) / 1e6,
          (main1 - main0) / 1e6,
          cpu0 / 1e6,
          sinceJvmStart,
          r.findings().size());
    }
  }

  private ColdStartProbe() {}
}
