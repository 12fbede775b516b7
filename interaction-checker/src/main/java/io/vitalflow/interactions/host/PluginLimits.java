package io.vitalflow.interactions.host;

import java.time.Duration;
import java.util.Objects;

/**
 * Sandbox limits applied to every instance and call.
 *
 * @param maxMemoryPages linear memory cap in 64 KiB pages; {@code memory.grow} beyond it fails
 * @param deadline the longest a single call may run before the watchdog interrupts it
 * @param maxIdleInstances instances kept warm per plugin version; more are created on demand and
 *     dropped
 */
public record PluginLimits(int maxMemoryPages, Duration deadline, int maxIdleInstances) {

  /**
   * 4 MiB of memory, 1 s per call (cold JIT and a busy machine included), two warm instances per
   * core.
   */
  public static PluginLimits defaults() {
    return new PluginLimits(
        64, Duration.ofSeconds(1), 2 * Runtime.getRuntime().availableProcessors());
  }

  public PluginLimits {
    Objects.requireNonNull(deadline, "deadline");
    if (maxMemoryPages < 1 || maxMemoryPages > 65536) {
      throw new IllegalArgumentException(
          "maxMemoryPages must be within 1..65536: " + maxMemoryPages);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + deadline);
    }
    if (maxIdleInstances < 0) {
      throw new IllegalArgumentException(
          "maxIdleInstances must not be negative: " + maxIdleInstances);
    }
  }

  public PluginLimits withMaxMemoryPages(int pages) {
    return new PluginLimits(pages, deadline, maxIdleInstances);
  }

  public PluginLimits withDeadline(Duration d) {
    return new PluginLimits(maxMemoryPages, d, maxIdleInstances);
  }

  public PluginLimits withMaxIdleInstances(int n) {
    return new PluginLimits(maxMemoryPages, deadline, n);
  }
}
