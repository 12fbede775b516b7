package io.vitalflow.storage;

import io.vitalflow.kafka.Failures;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a maintenance task of the database (partitions ahead and past retention, the audit trail's
 * months) on a daemon thread of its own, from start to stop of the application; a failed run is
 * logged without its values and tried again at the next interval.
 */
public final class PeriodicMaintenance implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PeriodicMaintenance.class);

  private final String name;
  private final Runnable task;
  private final Duration initialDelay;
  private final Duration interval;
  private ScheduledExecutorService executor;

  /**
   * @param name the thread's name and the log's words for the task ("partition maintenance")
   */
  public PeriodicMaintenance(String name, Runnable task, Duration initialDelay, Duration interval) {
    this.name = name;
    this.task = task;
    this.initialDelay = initialDelay;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, name.replace(' ', '-'));
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        this::runOnce, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("{} failed; retrying in {}", name, interval, Failures.redacted(e));
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
