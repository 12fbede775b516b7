package io.vitalflow.loadgen.seed;

import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.HttpLoadClient.Answer;
import io.vitalflow.loadgen.engine.Meters;
import io.vitalflow.loadgen.engine.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Sends bulk requests with at most {@code concurrency} in flight and records each one's latency and
 * outcome in {@link Meters} under its operation name. {@link #submit} blocks the calling thread
 * while all slots are taken; {@link #awaitIdle} waits until every request sent so far has completed
 * (the seeder's barrier between waves).
 */
public final class BulkSender {

  private final int concurrency;
  private final Semaphore slots;
  private final Meters meters;
  private final AtomicInteger inFlight = new AtomicInteger();

  BulkSender(int concurrency, Meters meters) {
    this.concurrency = concurrency;
    this.slots = new Semaphore(concurrency);
    this.meters = meters;
  }

  /**
   * Waits for a slot, then sends.
   *
   * @param request starts the request (called once a slot is free)
   * @param judge the failure kind for an answer or a transport error (exactly one of them
   *     non-null), null for success; runs on an event loop, so it must be short
   */
  void submit(
      String operation,
      Supplier<CompletableFuture<Answer>> request,
      BiFunction<Answer, Throwable, String> judge)
      throws InterruptedException {
    slots.acquire();
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    CompletableFuture<Answer> answer;
    try {
      answer = request.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, error) -> {
          try {
            String failure;
            try {
              failure = judge.apply(response, error);
            } catch (RuntimeException e) {
              failure = e.getClass().getSimpleName();
            }
            meters.record(new Outcome(operation, failure), (System.nanoTime() - start) / 1000);
          } finally {
            inFlight.decrementAndGet();
            slots.release();
          }
        });
  }

  /** Blocks until no request is in flight. */
  void awaitIdle() throws InterruptedException {
    slots.acquire(concurrency);
    slots.release(concurrency);
  }

  int inFlight() {
    return inFlight.get();
  }

  /** The short failure kind of a transport error. */
  static String transportFailure(Throwable error) {
    return HttpLoadClient.failureKind(error);
  }
}
