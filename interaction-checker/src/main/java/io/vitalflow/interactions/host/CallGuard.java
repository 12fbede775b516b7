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
    private volatile Thread owner;
    private volatile long deadline;

    void arm(long timeoutNanos) {
        owner = Thread.currentThread();
        deadline = System.nanoTime() + timeoutNanos;
        state.set(RUNNING);
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
        if (state.get() == RUNNING && now - deadline >= 0 && state.compareAndSet(RUNNING, FIRING)) {
            try {
                owner.interrupt();
            } finally {
                state.set(FIRED);
            }
        }
    }
}
