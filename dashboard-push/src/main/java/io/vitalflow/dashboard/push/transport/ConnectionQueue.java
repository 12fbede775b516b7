package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.push.protocol.Frame;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages waiting for one connection: bounded, in sequence order. A message with a coalesce
 * key (latest vital, aggregate or NEWS2 of a patient) replaces the one with the same key that is
 * still waiting and moves to the back, so order stays by sequence and a slow reader gets the latest
 * values without the queue growing. Messages without a key (alerts, acknowledgements, snapshots,
 * control messages) are never replaced or dropped: when one does not fit, the offer reports {@link
 * Offer#OVERFLOW} and the connection is closed. The storage exists only while messages wait (an
 * idle connection holds none). Not thread-safe; {@link Connection} guards it.
 */
final class ConnectionQueue {

  enum Offer {
    QUEUED,
    COALESCED,
    OVERFLOW
  }

  private final int capacity;
  private LinkedHashMap<Object, Frame> pending;

  ConnectionQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  Offer offer(Frame frame) {
    if (pending == null) {
      pending = new LinkedHashMap<>();
    }
    String key = frame.coalesceKey();
    if (key != null && pending.remove(key) != null) {
      pending.put(key, frame);
      return Offer.COALESCED;
    }
    if (pending.size() >= capacity) {
      return Offer.OVERFLOW;
    }
    pending.put(key != null ? key : new Object(), frame);
    return Offer.QUEUED;
  }

  /** Adds past the capacity: for the one closing message after an overflow. */
  void force(Frame frame) {
    if (pending == null) {
      pending = new LinkedHashMap<>();
    }
    pending.put(new Object(), frame);
  }

  Frame poll() {
    if (pending == null) {
      return null;
    }
    Iterator<Map.Entry<Object, Frame>> first = pending.entrySet().iterator();
    Frame frame = first.next().getValue();
    first.remove();
    if (pending.isEmpty()) {
      pending = null;
    }
    return frame;
  }

  int size() {
    return pending == null ? 0 : pending.size();
  }

  boolean isEmpty() {
    return pending == null;
  }

  void clear() {
    pending = null;
  }
}
