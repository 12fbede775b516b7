package io.vitalflow.processor.topology;

import io.vitalflow.schemas.VitalAggregate;
import java.util.Arrays;

/**
 * What a window store holds for one window: its aggregate and, in the 1-minute windows, which
 * recent readings it has counted, so that a reading sent again (a device re-posting after a 503 or
 * a lost answer) is recognised and counted once.
 *
 * <p>A reading is identified as the readings sink stores it once: by patient, effective time and
 * reading id (docs/storage.md). Patient and code are the store key, so an entry is the reading's
 * effective time as milliseconds into its window (16 bits: a minute has 60,000) and a 16-bit hash
 * of its reading id; entries are kept sorted. Two different readings are only mistaken for one
 * another when they have the same patient, code and effective millisecond and their ids' hashes
 * collide (one in 65,536 of such pairs).
 *
 * <p>Bounded: a window remembers the {@link #MAX_COUNTED} readings with the latest effective times.
 * A repeat of a reading older than all of them is not recognised and is counted again.
 */
final class WindowState {

  /**
   * Readings a 1-minute window remembers: the last 32 s of a series measured once a second, or a
   * retried batch of up to 32 readings of one series. Each costs 4 bytes in the stored value and in
   * every changelog record of the window (docs/stream-processing.md has the measured cost).
   */
  static final int MAX_COUNTED = 32;

  /** Longest window whose offsets fit the 16 bits of an entry. */
  static final long MAX_JUDGING_WINDOW_MS = 1L << 16;

  private static final long[] NONE = new long[0];

  private final VitalAggregate aggregate;
  private final long[] counted;

  WindowState(VitalAggregate aggregate, long[] counted) {
    this.aggregate = aggregate;
    this.counted = counted;
  }

  /** A window that keeps no identities (the 1-hour windows, and values stored before them). */
  static WindowState of(VitalAggregate aggregate) {
    return new WindowState(aggregate, NONE);
  }

  VitalAggregate aggregate() {
    return aggregate;
  }

  /** The remembered entries, sorted; not to be modified. */
  long[] counted() {
    return counted;
  }

  /**
   * The identity of the reading {@code readingId} that lies {@code offsetMs} into its window (at
   * most {@link #MAX_JUDGING_WINDOW_MS}).
   */
  static long identity(long offsetMs, String readingId) {
    return offsetMs << 16 | hash(readingId) & 0xFFFFL;
  }

  /** Whether the reading with {@code identity} was counted (and is still remembered). */
  boolean hasCounted(long identity) {
    return Arrays.binarySearch(counted, identity) >= 0;
  }

  /**
   * This window with {@code next} as its aggregate and {@code identity} remembered; when the window
   * already remembers {@link #MAX_COUNTED}, the earliest by effective time is forgotten (or {@code
   * identity} itself, if it is the earliest).
   */
  WindowState counting(VitalAggregate next, long identity) {
    int at = -Arrays.binarySearch(counted, identity) - 1;
    if (at < 0) {
      return new WindowState(next, counted); // already remembered
    }
    long[] more;
    if (counted.length < MAX_COUNTED) {
      more = new long[counted.length + 1];
      System.arraycopy(counted, 0, more, 0, at);
      more[at] = identity;
      System.arraycopy(counted, at, more, at + 1, counted.length - at);
    } else if (at == 0) {
      more = counted;
    } else {
      more = new long[counted.length];
      System.arraycopy(counted, 1, more, 0, at - 1);
      more[at - 1] = identity;
      System.arraycopy(counted, at, more, at, counted.length - at);
    }
    return new WindowState(next, more);
  }

  /**
   * FNV-1a over the id's UTF-16 code units, then MurmurHash3's finaliser, so that every bit (and
   * the 16 kept) depends on the whole id: {@code String.hashCode} alone collides for ids as alike
   * as "Aa" and "BB".
   */
  static int hash(String readingId) {
    int h = 0x811C9DC5;
    for (int i = 0; i < readingId.length(); i++) {
      h = (h ^ readingId.charAt(i)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ h >>> 16;
  }

  /** For messages: the number of remembered readings, never their ids. */
  @Override
  public String toString() {
    return "WindowState[" + aggregate.getCount() + " counted, " + counted.length + " remembered]";
  }
}
