package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a {@link Workload} through a {@link LoadModel} for the model's stages, prints a progress
 * line every interval (rate, errors, p99 so far, time left) and returns what it measured. One
 * runner runs once.
 */
public final class LoadRunner {

  /** How long in-flight iterations may take to finish after the last stage. */
  static final Duration DRAIN = Duration.ofSeconds(30);

  private final LoadModel model;
  private final Duration progressEvery;
  private final PrintStream out;
  private final String label;
  private final Meters meters = new Meters();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lateStarts = new AtomicLong();
  private final AtomicLong notStarted = new AtomicLong();
  private final AtomicLong peakConcurrency = new AtomicLong();
  private volatile boolean stopping;

  /**
   * @param label prefix of the progress lines ({@code fhir})
   */
  public LoadRunner(LoadModel model, Duration progressEvery, PrintStream out, String label) {
    this.model = model;
    this.progressEvery = progressEvery;
    this.out = out;
    this.label = label;
  }

  public LoadResult run(Workload workload) throws InterruptedException {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, label + "-load");
              thread.setDaemon(true);
              return thread;
            });
    long start = System.nanoTime();
    try {
      Driver driver =
          model instanceof LoadModel.Closed closed
              ? new ClosedDriver(closed, workload, scheduler)
              : new OpenDriver((LoadModel.Open) model, workload, start);
      Stages stages =
          model instanceof LoadModel.Closed closed
              ? closed.stages()
              : ((LoadModel.Open) model).rates();
      long end = start + stages.total().toNanos();
      long nextProgress = start + progressEvery.toNanos();
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        driver.adjust(now - start);
        if (now >= nextProgress) {
          progress(now - start, end - now, driver.concurrency());
          nextProgress += progressEvery.toNanos();
        }
        TimeUnit.NANOSECONDS.sleep(
            Math.min(TimeUnit.MILLISECONDS.toNanos(10), Math.max(0, end - System.nanoTime())));
      }
      driver.stop();
      stopping = true;
      long drainDeadline = System.nanoTime() + DRAIN.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
        TimeUnit.MILLISECONDS.sleep(2);
      }
      long elapsed = System.nanoTime() - start;
      progress(elapsed, 0, inFlight.get());
      double seconds = elapsed / 1e9;
      return new LoadResult(
          Duration.ofNanos(elapsed),
          meters.summaries(seconds),
          timeline,
          peakConcurrency.get(),
          lateStarts.get(),
          notStarted.get());
    } finally {
      stopping = true;
      scheduler.shutdownNow();
    }
  }

  private void progress(long elapsedNanos, long leftNanos, long concurrency) {
    Meters.Interval interval = meters.harvest();
    double at = elapsedNanos / 1e9;
    double previous = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).atSeconds();
    double rate = at > previous ? interval.count() / (at - previous) : 0;
    timeline.add(
        new TimelinePoint(
            at,
            rate,
            interval.errors(),
            millis(interval.latencyMicros(), 50),
            millis(interval.latencyMicros(), 99),
            concurrency));
    long count = meters.count();
    long errors = meters.errors();
    out.printf(
        Locale.ROOT,
        "  %s %5.0fs  %s %,6d  %,9.0f op/s  errors %,d (%.2f%%)  p99 so far %8.3f ms  left %ds%n",
        label,
        at,
        model instanceof LoadModel.Closed ? "VUs" : "in flight",
        concurrency,
        rate,
        errors,
        count == 0 ? 0.0 : errors * 100.0 / count,
        millis(meters.allLatencies(), 99),
        TimeUnit.NANOSECONDS.toSeconds(leftNanos));
  }

  private static double millis(org.HdrHistogram.Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  /**
   * Starts one iteration, {@code startNanos} being when its latency counts from; false (nothing
   * started) once the run is stopping. The in-flight count goes up before the check, so the drain
   * never misses an iteration.
   */
  private boolean launch(Workload workload, int user, long startNanos, Runnable then) {
    inFlight.incrementAndGet();
    if (stopping) {
      inFlight.decrementAndGet();
      return false;
    }
    peakConcurrency.accumulateAndGet(inFlight.get(), Math::max);
    CompletionStage<Outcome> stage;
    try {
      stage = workload.start(user, ThreadLocalRandom.current());
    } catch (RuntimeException e) {
      stage =
          java.util.concurrent.CompletableFuture.completedFuture(
              Outcome.failed("start", e.getClass().getSimpleName()));
    }
    stage.whenComplete(
        (outcome, error) -> {
          Outcome finished =
              error != null
                  ? Outcome.failed("unknown", HttpLoadClient.failureKind(error))
                  : outcome;
          meters.record(finished, (System.nanoTime() - startNanos) / 1000);
          inFlight.decrementAndGet();
          then.run();
        });
    return true;
  }

  private interface Driver {
    void adjust(long elapsedNanos);

    long concurrency();

    void stop() throws InterruptedException;
  }

  /** Virtual users: each iteration starts after the previous one's outcome and a think time. */
  private final class ClosedDriver implements Driver {
    private final LoadModel.Closed closed;
    private final Workload workload;
    private final ScheduledExecutorService scheduler;
    private final List<VirtualUser> users = new ArrayList<>();
    private int nextUser;

    ClosedDriver(LoadModel.Closed closed, Workload workload, ScheduledExecutorService scheduler) {
      this.closed = closed;
      this.workload = workload;
      this.scheduler = scheduler;
    }

    @Override
    public void adjust(long elapsedNanos) {
      int target = closed.stages().targetAt(elapsedNanos);
      while (users.size() < target) {
        VirtualUser user = new VirtualUser(nextUser++);
        users.add(user);
        scheduler.execute(user::iterate);
      }
      while (users.size() > target) {
        users.remove(users.size() - 1).stopped = true;
      }
      peakConcurrency.accumulateAndGet(users.size(), Math::max);
    }

    @Override
    public long concurrency() {
      return users.size();
    }

    @Override
    public void stop() {
      users.forEach(user -> user.stopped = true);
    }

    private final class VirtualUser {
      final int number;
      volatile boolean stopped;

      VirtualUser(int number) {
        this.number = number;
      }

      void iterate() {
        if (stopped || stopping) {
          return;
        }
        boolean started =
            launch(
                workload,
                number,
                System.nanoTime(),
                () -> {
                  try {
                    scheduler.schedule(
                        this::iterate,
                        closed.think().nanos(ThreadLocalRandom.current()),
                        TimeUnit.NANOSECONDS);
                  } catch (RejectedExecutionException e) {
                    stopped = true;
                  }
                });
        if (!started) {
          stopped = true;
        }
      }
    }
  }

  /**
   * Arrivals at the staged rate from one thread: every iteration has an intended start, latency
   * counts from it, and when {@code maxInFlight} iterations are open the next arrival waits
   * (counted late) rather than being dropped or re-timed.
   */
  private final class OpenDriver implements Driver {
    private final LoadModel.Open open;
    private final Workload workload;
    private final long start;
    private final Semaphore slots;
    private final Thread arrivals;

    OpenDriver(LoadModel.Open open, Workload workload, long start) {
      this.open = open;
      this.workload = workload;
      this.start = start;
      this.slots = new Semaphore(open.maxInFlight());
      this.arrivals = new Thread(this::arrive, label + "-arrivals");
      this.arrivals.setDaemon(true);
      this.arrivals.start();
    }

    private void arrive() {
      ArrivalSchedule schedule = new ArrivalSchedule(open.rates());
      int slot = 0;
      try {
        for (long intended = schedule.next(); intended >= 0; intended = schedule.next()) {
          long due = start + intended;
          for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
              throw new InterruptedException();
            }
          }
          if (!slots.tryAcquire()) {
            lateStarts.incrementAndGet();
            slots.acquire();
          }
          if (!launch(workload, slot++, due, slots::release)) {
            slots.release();
            countNotStarted(schedule, 1);
            return;
          }
        }
      } catch (InterruptedException e) {
        countNotStarted(schedule, 1);
      }
    }

    /** Counts {@code current} plus every arrival still due in {@code schedule}. */
    private void countNotStarted(ArrivalSchedule schedule, long current) {
      long count = current;
      while (schedule.next() >= 0) {
        count++;
      }
      notStarted.addAndGet(count);
    }

    @Override
    public void adjust(long elapsedNanos) {
      // arrivals follow their own schedule
    }

    @Override
    public long concurrency() {
      return inFlight.get();
    }

    /**
     * Lets the arrivals due before the end start (a few ms late at most), then stops those still
     * waiting.
     */
    @Override
    public void stop() throws InterruptedException {
      arrivals.join(200);
      arrivals.interrupt();
      arrivals.join();
    }
  }
}
