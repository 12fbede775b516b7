package io.vitalflow.audit;

import io.vitalflow.kafka.Failures;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs {@link AuditRetention} at start and then every interval. */
final class AuditRetentionScheduler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AuditRetentionScheduler.class);

  private final AuditRetention retention;
  private final Duration interval;
  private ScheduledExecutorService executor;

  AuditRetentionScheduler(AuditRetention retention, Duration interval) {
    this.retention = retention;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "audit-retention");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      retention.run();
    } catch (RuntimeException e) {
      log.error("Audit retention failed; retrying in {}", interval, Failures.redacted(e));
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
