package io.vitalflow.processor;

import io.vitalflow.kafka.Failures;
import io.vitalflow.storage.PartitionMaintenance;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs partition maintenance every hour (creating days ahead, dropping expired ones). */
@Component
class PartitionScheduler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PartitionScheduler.class);

  private final PartitionMaintenance maintenance;
  private ScheduledExecutorService executor;

  PartitionScheduler(PartitionMaintenance maintenance) {
    this.maintenance = maintenance;
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "partition-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::runOnce, 1, 60, TimeUnit.MINUTES);
  }

  private void runOnce() {
    try {
      maintenance.run();
    } catch (RuntimeException e) {
      log.error("Partition maintenance failed; retrying in an hour", Failures.redacted(e));
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
