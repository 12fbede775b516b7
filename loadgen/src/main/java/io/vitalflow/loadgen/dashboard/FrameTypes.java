package io.vitalflow.loadgen.dashboard;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts received frames by their {@code type}, read from the first bytes without decoding the
 * frame.
 */
public final class FrameTypes {

  static final List<String> TYPES =
      List.of(
          "vital",
          "aggregate",
          "news2",
          "alert",
          "alert-ack",
          "snapshot",
          "subscribed",
          "heartbeat",
          "error");
  static final int OTHER = TYPES.size();
  private static final byte[][] NEEDLES =
      TYPES.stream()
          .map(
              type ->
                  ("\"type\":\"" + type + "\"")
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .toArray(byte[][]::new);
  private static final int SCAN = 24;

  private final LongAdder[] counts = new LongAdder[TYPES.size() + 1];

  FrameTypes() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /**
   * The index in {@link #TYPES} of the frame's type ({@link #OTHER} if none): the server writes
   * {@code type} first.
   */
  static int typeOf(ByteBuf content) {
    int from = content.readerIndex();
    int limit = Math.min(content.writerIndex(), from + SCAN);
    for (int start = from; start < limit; start++) {
      if (content.getByte(start) != '"') {
        continue;
      }
      for (int t = 0; t < NEEDLES.length; t++) {
        if (matches(content, start, NEEDLES[t])) {
          return t;
        }
      }
      return OTHER;
    }
    return OTHER;
  }

  private static boolean matches(ByteBuf content, int start, byte[] needle) {
    if (start + needle.length > content.writerIndex()) {
      return false;
    }
    for (int i = 0; i < needle.length; i++) {
      if (content.getByte(start + i) != needle[i]) {
        return false;
      }
    }
    return true;
  }

  void count(int type) {
    counts[type].increment();
  }

  long total() {
    long sum = 0;
    for (LongAdder count : counts) {
      sum += count.sum();
    }
    return sum;
  }

  /** Counts by type name, in {@link #TYPES} order then {@code other}. */
  Map<String, Long> snapshot() {
    Map<String, Long> result = new LinkedHashMap<>();
    for (int i = 0; i < TYPES.size(); i++) {
      result.put(TYPES.get(i), counts[i].sum());
    }
    result.put("other", counts[OTHER].sum());
    return result;
  }
}
