package io.vitalflow.dashboard.push;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The recent live events of this instance, for resuming: at most {@code capacity} events and none older
 * than {@code window}. Not thread-safe; the {@link Hub} guards it.
 */
final class ResumeLog {

  private record Entry(Frame frame, long atNanos) {
  }

  private final int capacity;
  private final long windowNanos;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  /** Every event up to this sequence number is gone from the log. */
  private long forgottenUpTo;

  ResumeLog(int capacity, Duration window) {
    this.capacity = capacity;
    this.windowNanos = window.toNanos();
  }

  void add(Frame frame, long nowNanos) {
    entries.addLast(new Entry(frame, nowNanos));
    prune(nowNanos);
  }

  void prune(long nowNanos) {
    while (!entries.isEmpty()
        && (entries.size() > capacity || nowNanos - entries.peekFirst().atNanos() > windowNanos)) {
      forgottenUpTo = entries.pollFirst().frame().seq();
    }
  }

  /** Whether every event after {@code afterSeq} is still here (and {@code afterSeq} is not in the future). */
  boolean covers(long afterSeq, long currentSeq) {
    return afterSeq >= forgottenUpTo && afterSeq <= currentSeq;
  }

  /** The kept events after {@code afterSeq} of these patients, in order. */
  List<Frame> since(long afterSeq, Set<String> patients) {
    List<Frame> frames = new ArrayList<>();
    Iterator<Entry> newestFirst = entries.descendingIterator();
    while (newestFirst.hasNext()) {
      Frame frame = newestFirst.next().frame();
      if (frame.seq() <= afterSeq) {
        break;
      }
      if (patients.contains(frame.patientId())) {
        frames.add(frame);
      }
    }
    java.util.Collections.reverse(frames);
    return frames;
  }

  int size() {
    return entries.size();
  }
}
