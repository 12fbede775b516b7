package io.vitalflow.interactions.bench;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginHost;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.host.PluginSource;
import io.vitalflow.interactions.reference.ReferenceChecker;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hot path: one check of a 3- or 10-medication list (RxNorm codes) per call. Run with {@code -t 2} for pooled
 * throughput on two threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CheckBenchmark {

    /** warfarin, ibuprofen, aspirin */
    static final List<Medication> THREE =
            List.of(Medication.rxcui("11289"), Medication.rxcui("5640"), Medication.rxcui("1191"));

    /** a busy but realistic list, mixing ingredient and clinical-drug codes */
    static final List<Medication> TEN = List.of(Medication.rxcui("855332"), Medication.rxcui("5640"),
            Medication.rxcui("1191"), Medication.rxcui("312961"), Medication.rxcui("21212"), Medication.rxcui("6809"),
            Medication.rxcui("29046"), Medication.rxcui("17767"), Medication.rxcui("7646"), Medication.rxcui("36437"));

    @Param({"3", "10"})
    int medications;

    List<Medication> list;
    WasmInteractionChecker aot;
    WasmInteractionChecker runtimeCompiled;
    WasmInteractionChecker interpreter;
    InteractionChecker reference;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        list = medications == 3 ? THREE : TEN;
        byte[] wasm;
        try (InputStream in = WasmInteractionChecker.class.getResourceAsStream("drug-interactions.wasm")) {
            wasm = in.readAllBytes();
        }
        aot = WasmInteractionChecker.shipped();
        runtimeCompiled = new WasmInteractionChecker(PluginHost.start(
                PluginSource.compiled(WasmInteractionChecker.PLUGIN_NAME, wasm), PluginLimits.defaults()));
        interpreter = new WasmInteractionChecker(PluginHost.start(
                PluginSource.interpreted(WasmInteractionChecker.PLUGIN_NAME, wasm), PluginLimits.defaults()));
        reference = ReferenceChecker.load();
        if (!aot.check(list).equals(reference.check(list)) || aot.check(list).findings().isEmpty()) {
            throw new IllegalStateException("benchmark list does not behave as expected");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        aot.close();
        runtimeCompiled.close();
        interpreter.close();
    }

    @Benchmark
    public CheckResult pluginAot() {
        return aot.check(list);
    }

    @Benchmark
    public CheckResult pluginRuntimeCompiled() {
        return runtimeCompiled.check(list);
    }

    @Benchmark
    public CheckResult pluginInterpreter() {
        return interpreter.check(list);
    }

    @Benchmark
    public CheckResult plainJavaReference() {
        return reference.check(list);
    }
}
