package io.vitalflow.loadgen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.report.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The two load models against an in-memory workload whose answers take a known time. Bounds are
 * generous: the machine is shared, so only what no scheduler delay could produce is asserted.
 */
class LoadRunnerTest {

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  /** Answers after {@code millis}; every third iteration fails. */
  private static Workload answeringAfter(long millis, AtomicInteger started) {
    Executor later = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    return (user, random) -> {
      int n = started.incrementAndGet();
      return CompletableFuture.supplyAsync(
          () -> n % 3 == 0 ? Outcome.failed("write", "HTTP 503") : Outcome.ok("read"), later);
    };
  }

  @Test
  void openModelSendsAtTheRateWhateverTheAnswersTake() throws Exception {
    AtomicInteger started = new AtomicInteger();
    LoadResult result =
        new LoadRunner(
                new LoadModel.Open(Stages.parse("0s:200,2s:200"), 1000),
                Duration.ofMillis(500),
                out,
                "test")
            .run(answeringAfter(50, started));

    assertThat(started.get()).isEqualTo(400);
    RunReport.OperationSummary all = result.all();
    assertThat(all.count()).isEqualTo(400);
    assertThat(all.errors()).isEqualTo(133);
    assertThat(result.operations())
        .extracting(RunReport.OperationSummary::name)
        .containsExactly("read", "write", RunReport.ALL);
    assertThat(all.errorKinds()).containsEntry("HTTP 503", 133L);
    // every answer took at least 50 ms
    assertThat(all.latencyMicros().getMinValue()).isGreaterThanOrEqualTo(49_000);
    // 200/s of 50 ms answers keep about 10 in flight; never the 1,000 allowed
    assertThat(result.peakConcurrency()).isBetween(5L, 200L);
    assertThat(result.lateStarts()).isZero();
    assertThat(result.notStarted()).isZero();
    assertThat(result.timeline()).isNotEmpty();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("test").contains("op/s");
  }

  @Test
  void openModelCountsTheWaitOfArrivalsHeldBackByTheInFlightLimit() throws Exception {
    // 100/s for 2 s, answers take 200 ms, only 2 may be open: the server does 10/s, so arrivals
    // queue up and
    // their wait must show in the latency (no coordinated omission): the last ones waited well over
    // a second
    AtomicInteger started = new AtomicInteger();
    LoadResult result =
        new LoadRunner(
                new LoadModel.Open(Stages.parse("0s:100,2s:100"), 2),
                Duration.ofMillis(500),
                out,
                "test")
            .run(answeringAfter(200, started));

    assertThat(result.lateStarts()).isGreaterThan(15);
    assertThat(result.all().count() + result.notStarted()).isEqualTo(200);
    assertThat(result.notStarted()).isGreaterThan(150);
    RunReport.OperationSummary all = result.all();
    assertThat(all.latencyMicros().getMaxValue()).isGreaterThan(1_000_000);
    assertThat(all.millisAt(50)).isGreaterThan(400);
  }

  @Test
  void closedModelUsersWaitForTheirAnswerAndThink() throws Exception {
    // 4 users, answers take 20 ms, think 80 ms: each user does at most 10 iterations/s
    AtomicInteger started = new AtomicInteger();
    LoadResult result =
        new LoadRunner(
                new LoadModel.Closed(Stages.parse("0s:4,2s:4"), Think.parse("80ms")),
                Duration.ofMillis(500),
                out,
                "test")
            .run(answeringAfter(20, started));

    assertThat(result.all().count()).isBetween(8L, 84L);
    assertThat(result.peakConcurrency()).isEqualTo(4);
    assertThat(result.all().latencyMicros().getMinValue()).isGreaterThanOrEqualTo(19_000);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("VUs");
  }

  @Test
  void aWorkloadThatThrowsIsCountedAsAFailureAndTheRunGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Workload throwing =
        (user, random) -> {
          if (calls.incrementAndGet() % 2 == 0) {
            throw new IllegalStateException("boom");
          }
          return CompletableFuture.completedFuture(Outcome.ok("read"));
        };
    LoadResult result =
        new LoadRunner(
                new LoadModel.Open(Stages.parse("0s:100,1s:100"), 10),
                Duration.ofMillis(500),
                out,
                "test")
            .run(throwing);

    assertThat(result.all().count()).isEqualTo(100);
    assertThat(result.all().errorKinds()).containsEntry("IllegalStateException", 50L);
  }
}
