package io.vitalflow.dashboard.push.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * At most one emission per key per interval, latest wins: the first update of a key goes out at
 * once, later ones within the interval wait and only the newest of them goes out when the interval
 * is over ({@link #flush}). Keeps live vitals to one per patient and code per second however fast a
 * monitor sends.
 */
public final class Throttle {

  private static final class Slot {
    long lastEmitNanos;
    Runnable pending;

    Slot(long lastEmitNanos) {
      this.lastEmitNanos = lastEmitNanos;
    }
  }

  private final long intervalNanos;
  private final Map<String, Slot> slots = new HashMap<>();

  public Throttle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  synchronized void offer(String key, Runnable emit, long nowNanos) {
    Slot slot = slots.get(key);
    if (slot == null || nowNanos - slot.lastEmitNanos >= intervalNanos) {
      emit.run();
      if (slot == null) {
        slots.put(key, new Slot(nowNanos));
      } else {
        slot.lastEmitNanos = nowNanos;
        slot.pending = null;
      }
    } else {
      slot.pending = emit;
    }
  }

  /** Emits what waited long enough; forgets keys quiet for ten intervals. */
  public synchronized void flush(long nowNanos) {
    Iterator<Slot> iterator = slots.values().iterator();
    while (iterator.hasNext()) {
      Slot slot = iterator.next();
      long since = nowNanos - slot.lastEmitNanos;
      if (slot.pending != null && since >= intervalNanos) {
        Runnable emit = slot.pending;
        slot.pending = null;
        slot.lastEmitNanos = nowNanos;
        emit.run();
      } else if (slot.pending == null && since > 10 * Math.max(intervalNanos, 1_000_000L)) {
        iterator.remove();
      }
    }
  }

  synchronized int size() {
    return slots.size();
  }
}
