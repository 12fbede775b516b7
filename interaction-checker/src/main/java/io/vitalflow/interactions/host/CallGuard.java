package io.vitalflow.interactions.host;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Memory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deadline of the call running on one instance. {@link #run} arms it before entering the plugin
 * and disarms it after; the {@link Watchdog} fires it when the deadline has passed, by interrupting
 * the calling thread (Chicory polls the interrupt flag at loop back-edges and calls). Disarming a
 * fired guard waits until the interrupt has been delivered and then clears the flag, so no stray
 * interrupt outlives the call.
 *
 * <p>Shared by every host in this library ({@link PluginHost}, the Extism-compatible host): one
 * guard per instance, used by one thread at a time.
 */
public final class CallGuard {

  /**
   * One entry into a plugin: an export call, or an instantiation that may run the module's start
   * function.
   */
  @FunctionalInterface
  public interface Call {
    long[] run();
  }

  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int FIRING = 2;
  private static final int FIRED = 3;

  private final AtomicInteger state = new AtomicInteger(IDLE);
  // Plain fields, published by the release-store of RUNNING below and read by the watchdog only
  // after it has
  // read RUNNING (acquire), so a call pays one nanoTime, two plain stores, one release store and
  // one CAS: no
  // full fence on arm (a volatile store costs a StoreLoad barrier per call).
  private Thread owner;
  private long deadline;

  CallGuard() {}

  /**
   * Runs {@code call} under {@code deadline} and turns every failure into a {@link
   * PluginException}: a timeout (the watchdog fired), a stack overflow, a failure at the memory
   * cap, any other trap. A {@code PluginException} thrown by a host function inside the call is
   * passed on as it is.
   *
   * @param who names the plugin in messages
   * @param memory the instance's memory, to tell a failure at the memory cap; null when there is
   *     none yet
   */
  public long[] run(String who, Duration deadline, Memory memory, Call call) {
    RuntimeException failure = null;
    long[] result = null;
    arm(deadline.toNanos());
    try {
      result = call.run();
    } catch (StackOverflowError e) {
      failure = new PluginStackOverflowException(who + " exhausted the call stack", e);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      if (disarm()) {
        // the interrupt may have landed after the plugin returned; the deadline passed either way
        failure =
            new PluginTimeoutException(
                who
                    + " ran past its deadline of "
                    + deadline.toMillis()
                    + " ms and was interrupted",
                failure);
      }
    }
    if (failure != null) {
      throw classify(who, memory, failure);
    }
    return result;
  }

  void arm(long timeoutNanos) {
    Thread current = Thread.currentThread();
    if (owner != current) {
      owner = current;
    }
    deadline = System.nanoTime() + timeoutNanos;
    state.setRelease(RUNNING);
  }

  /** Ends the call; true when the watchdog fired it (the interrupt flag is then cleared). */
  boolean disarm() {
    if (state.compareAndSet(RUNNING, IDLE)) {
      return false;
    }
    while (state.get() == FIRING) {
      Thread.onSpinWait();
    }
    Thread.interrupted();
    state.set(IDLE);
    return true;
  }

  /** Called by the watchdog thread only. */
  void fireIfOverdue(long now) {
    if (state.getAcquire() == RUNNING
        && now - deadline >= 0
        && state.compareAndSet(RUNNING, FIRING)) {
      try {
        owner.interrupt();
      } finally {
        state.set(FIRED);
      }
    }
  }

  private static PluginException classify(String who, Memory memory, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PluginException pe) {
        return pe; // ours, or thrown by a host function and possibly wrapped by the runtime
      }
    }
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (e instanceof ChicoryInterruptedException) {
      // interrupted by someone else than our watchdog: keep their interrupt flag set
      return new PluginException(who + " was interrupted", e);
    }
    if (lower.contains("call stack exhausted") || lower.contains("stack overflow")) {
      return new PluginStackOverflowException(who + " exhausted the call stack", e);
    }
    if (memory != null && memory.pages() >= memory.maximumPages()) {
      return new PluginMemoryException(
          who
              + " failed after reaching its memory cap of "
              + memory.maximumPages()
              + " pages: "
              + message,
          e);
    }
    return new PluginTrapException(who + " trapped: " + message, e);
  }
}
