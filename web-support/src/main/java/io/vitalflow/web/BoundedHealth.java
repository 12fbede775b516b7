package io.vitalflow.web;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that a probe never waits for: the check runs on its own thread every {@code
 * every}, and {@link #health()} answers at once with the last result, or {@code DOWN} while the
 * check has been running for longer than {@code overdue} or has not answered yet.
 *
 * <p>Spring Boot's own database indicators ({@code db}, {@code r2dbc}) take a connection from the
 * pool, and with the database gone the pool waits its whole connection timeout (HikariCP: 30 s)
 * before it fails: a readiness probe with a timeout of a second or two would time out instead of
 * reading DOWN, and every probe would hold a thread meanwhile. This answers in microseconds and
 * turns DOWN within {@code overdue} of the outage.
 */
public final class BoundedHealth implements HealthIndicator, AutoCloseable {

  private final Supplier<Health> check;
  private final Duration overdue;
  private final ScheduledExecutorService timer;
  private volatile Health last;
  private volatile long runningSinceNanos;

  /**
   * Starts checking now. {@code check} returns the health or throws; a throw counts as {@code
   * DOWN}, named by the exception's class only (its message may name hosts or users).
   */
  public BoundedHealth(String name, Supplier<Health> check, Duration every, Duration overdue) {
    this.check = Objects.requireNonNull(check, "check");
    this.overdue = overdue;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "health-" + name);
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(this::runCheck, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runCheck() {
    runningSinceNanos = System.nanoTime();
    Health result;
    try {
      result = check.get();
    } catch (RuntimeException e) {
      result = Health.down().withDetail("error", e.getClass().getName()).build();
    }
    last = result;
    runningSinceNanos = 0;
  }

  @Override
  public Health health() {
    long since = runningSinceNanos;
    if (since != 0 && System.nanoTime() - since > overdue.toNanos()) {
      return Health.down()
          .withDetail("check", "no answer for more than " + overdue.toSeconds() + " s")
          .build();
    }
    Health result = last;
    return result != null ? result : Health.down().withDetail("check", "not answered yet").build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
