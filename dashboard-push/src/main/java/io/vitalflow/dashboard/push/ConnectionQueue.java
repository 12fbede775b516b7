package io.vitalflow.dashboard.push;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages waiting for one connection: bounded, in sequence order. A message with a coalesce key
 * (latest vital, aggregate or NEWS2 of a patient) replaces the one with the same key that is still waiting
 * and moves to the back, so order stays by sequence and a slow reader gets the latest values without the
 * queue growing. Messages without a key (alerts, acknowledgements, snapshots, control messages) are never
 * replaced or dropped: when one does not fit, the offer reports {@link Offer#OVERFLOW} and the connection
 * is closed. Not thread-safe; {@link Connection} guards it.
 */
final class ConnectionQueue {

  enum Offer { QUEUED, COALESCED, OVERFLOW }

  private final int capacity;
  private final LinkedHashMap<Object, Frame> pending = new LinkedHashMap<>();

  ConnectionQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  Offer offer(Frame frame) {
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
    pending.put(new Object(), frame);
  }

  Frame poll() {
    Iterator<Map.Entry<Object, Frame>> first = pending.entrySet().iterator();
    if (!first.hasNext()) {
      return null;
    }
    Frame frame = first.next().getValue();
    first.remove();
    return frame;
  }

  int size() {
    return pending.size();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  void clear() {
    pending.clear();
  }
}
