package io.vitalflow.loadgen.interactions;

import io.vitalflow.benchmarks.plugin.ColdStartBenchmark;
import io.vitalflow.benchmarks.plugin.HotPathBenchmark;
import io.vitalflow.benchmarks.plugin.ReloadBenchmark;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the in-process parts with JMH's {@link Runner}, settings from the flags (the benchmark
 * classes carry none). Forks are fresh JVMs on this JVM's {@code java.class.path} with its JVM
 * arguments, so they work wherever this JVM was started with a plain class path ({@code ./vitalflow
 * loadgen}, {@code java -cp}, Maven's test JVM).
 */
final class JmhParts {

  private final InteractionsOptions options;
  private final PrintStream out;

  JmhParts(InteractionsOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Hot path: sampled single calls, 4 implementations × 2 lists, on {@code --threads} threads. */
  List<JmhMeasurement> hot() throws RunnerException {
    TimeValue time = TimeValue.nanoseconds(options.time().toNanos());
    return run(
        builder(HotPathBenchmark.class)
            .threads(options.threads())
            .mode(Mode.SampleTime)
            .timeUnit(TimeUnit.NANOSECONDS)
            .forks(options.forks())
            .warmupIterations(options.warmup())
            .warmupTime(time)
            .measurementIterations(options.iterations())
            .measurementTime(time));
  }

  /**
   * Cold start: one shot in each of {@code coldRuns} fresh JVMs (in this JVM when forks are off).
   */
  List<JmhMeasurement> cold() throws RunnerException {
    boolean forked = options.forks() > 0;
    return run(
        builder(ColdStartBenchmark.class)
            .mode(Mode.SingleShotTime)
            .timeUnit(TimeUnit.MILLISECONDS)
            .forks(forked ? options.coldRuns() : 0)
            .warmupIterations(0)
            .measurementIterations(forked ? 1 : options.coldRuns()));
  }

  /** Hot reload: {@code warmup} unmeasured then {@code reloadRuns} measured shots per fork. */
  List<JmhMeasurement> reload() throws RunnerException {
    return run(
        builder(ReloadBenchmark.class)
            .mode(Mode.SingleShotTime)
            .timeUnit(TimeUnit.MILLISECONDS)
            .forks(options.forks())
            .warmupIterations(options.warmup())
            .measurementIterations(options.reloadRuns()));
  }

  private static ChainedOptionsBuilder builder(Class<?> benchmark) {
    return new OptionsBuilder()
        .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
        .threads(1)
        .shouldFailOnError(true);
  }

  private List<JmhMeasurement> run(ChainedOptionsBuilder builder) throws RunnerException {
    List<JmhMeasurement> measurements = new ArrayList<>();
    for (RunResult result :
        new Runner(
                builder.build(), OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL))
            .run()) {
      measurements.add(JmhResults.of(result));
    }
    return measurements;
  }
}
