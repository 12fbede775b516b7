package io.vitalflow.interactions.host;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deadline of the call running on one instance. The caller arms it before entering the plugin and disarms it
 * after; the watchdog fires it when the deadline has passed, by interrupting the calling thread (Chicory polls the
 * interrupt flag at loop back-edges and calls). Disarming a fired guard waits until the interrupt has been
 * delivered and then clears the flag, so no stray interrupt outlives the call.
 */
final class CallGuard {

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    // Plain fields, published by the release-store of RUNNING below and read by the watchdog only after it has
    // read RUNNING (acquire), so a call pays one nanoTime, two plain stores, one release store and one CAS: no
    // full fence on arm (a volatile store costs a StoreLoad barrier per call).
    private Thread owner;
    private long deadline;

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
        if (state.getAcquire() == RUNNING && now - deadline >= 0 && state.compareAndSet(RUNNING, FIRING)) {
            try {
                owner.interrupt();
            } finally {
                state.set(FIRED);
            }
        }
    }
}
