package io.vitalflow.interactions.host;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread per host that wakes every {@code tick} and interrupts the calls past their deadline. Calls
 * themselves only write two fields and a CAS, so a deadline costs far less than handing each call to an executor.
 */
final class Watchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Set<CallGuard> guards = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final Thread thread;
    private volatile boolean closed;

    Watchdog(String name, long tickNanos) {
        this.tickNanos = tickNanos;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    CallGuard register() {
        CallGuard guard = new CallGuard();
        guards.add(guard);
        return guard;
    }

    void unregister(CallGuard guard) {
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
