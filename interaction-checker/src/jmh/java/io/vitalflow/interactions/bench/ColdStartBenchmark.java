package io.vitalflow.interactions.bench;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.WasmInteractionChecker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** Cold start in a fresh JVM: build-time compiled plugin, host started, warmed up, first check answered. */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(10)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class ColdStartBenchmark {

    @Benchmark
    public CheckResult shippedPluginFirstCheck() {
        try (WasmInteractionChecker checker = WasmInteractionChecker.shipped()) {
            return checker.check(CheckBenchmark.THREE);
        }
    }
}
