package io.vitalflow.interactions.bench;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * New plugin version in a running JVM: parse the bytes, validate, swap in (interpreter), answer the first check.
 * The runtime compilation that follows in the background is not part of the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReloadBenchmark {

    byte[] wasm;
    WasmInteractionChecker checker;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        try (InputStream in = WasmInteractionChecker.class.getResourceAsStream("drug-interactions.wasm")) {
            wasm = in.readAllBytes();
        }
        checker = WasmInteractionChecker.shipped();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        checker.close();
    }

    @Benchmark
    public CheckResult loadNewVersionAndCheck() {
        checker.reload(PluginSource.wasm(WasmInteractionChecker.PLUGIN_NAME, wasm));
        return checker.check(CheckBenchmark.THREE);
    }
}
