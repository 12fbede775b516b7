package io.vitalflow.dashboard.push.state;

import io.vitalflow.dashboard.push.protocol.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recent live events of this instance, for resuming: none older than {@code window} and at most
 * {@code capacity} of them. Like a connection's queue it coalesces: a newer event with the same
 * coalesce key (a patient's vital of one code, ...) replaces the older one and moves to the back,
 * so the log keeps sequence order, a replay gives the latest values and every alert, and its size
 * is bounded by what is watched rather than by the reading rate. Not thread-safe; the {@link Hub}
 * guards it.
 */
public final class ResumeLog {

  private record Entry(Frame frame, long atNanos) {}

  private final int capacity;
  private final long windowNanos;
  private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>();

  /**
   * Events up to this sequence number may be gone (expired or pushed out), not merely superseded.
   */
  private long forgottenUpTo;

  public ResumeLog(int capacity, Duration window) {
    this.capacity = capacity;
    this.windowNanos = window.toNanos();
  }

  void add(Frame frame, long nowNanos) {
    Object key = frame.coalesceKey() != null ? frame.coalesceKey() : new Object();
    entries.remove(key);
    entries.put(key, new Entry(frame, nowNanos));
    prune(nowNanos);
  }

  void prune(long nowNanos) {
    Iterator<Entry> oldestFirst = entries.values().iterator();
    while (oldestFirst.hasNext()) {
      Entry oldest = oldestFirst.next();
      if (entries.size() <= capacity && nowNanos - oldest.atNanos() <= windowNanos) {
        break;
      }
      forgottenUpTo = Math.max(forgottenUpTo, oldest.frame().seq());
      oldestFirst.remove();
    }
  }

  /**
   * Whether every event after {@code afterSeq} is still here (and {@code afterSeq} is not in the
   * future).
   */
  boolean covers(long afterSeq, long currentSeq) {
    return afterSeq >= forgottenUpTo && afterSeq <= currentSeq;
  }

  /** The kept events after {@code afterSeq} of these patients, in sequence order. */
  List<Frame> since(long afterSeq, Set<String> patients) {
    List<Frame> frames = new ArrayList<>();
    for (Map.Entry<Object, Entry> entry : entries.entrySet()) {
      Frame frame = entry.getValue().frame();
      if (frame.seq() > afterSeq && patients.contains(frame.patientId())) {
        frames.add(frame);
      }
    }
    return frames;
  }

  int size() {
    return entries.size();
  }
}
