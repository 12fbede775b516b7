package io.vitalflow.interactions.host;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread per host that wakes every {@code tick} and interrupts the calls past their
 * deadline. Calls themselves only write two fields and a CAS, so a deadline costs far less than
 * handing each call to an executor. Each instance {@linkplain #register() registers} one {@link
 * CallGuard} and runs its calls through it.
 */
public final class Watchdog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final Set<CallGuard> guards = ConcurrentHashMap.newKeySet();
  private final long tickNanos;
  private final Thread thread;
  private volatile boolean closed;

  /** A watchdog whose tick is {@code min(10 ms, deadline/4)}, at least 1 ms. */
  public static Watchdog forDeadline(String name, Duration deadline) {
    long tick = Math.max(1_000_000L, Math.min(10_000_000L, deadline.toNanos() / 4));
    return new Watchdog(name, tick);
  }

  Watchdog(String name, long tickNanos) {
    this.tickNanos = tickNanos;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** A guard for one new instance; {@link #unregister} it when the instance is dropped. */
  public CallGuard register() {
    CallGuard guard = new CallGuard();
    guards.add(guard);
    return guard;
  }

  public void unregister(CallGuard guard) {
    guards.remove(guard);
  }

  private void run() {
    while (!closed) {
      long now = System.nanoTime();
      for (CallGuard guard : guards) {
        guard.fireIfOverdue(now);
      }
      LockSupport.parkNanos(this, tickNanos);
    }
    log.debug("plugin watchdog {} stopped", thread.getName());
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
