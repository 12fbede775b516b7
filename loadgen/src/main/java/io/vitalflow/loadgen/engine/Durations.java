package io.vitalflow.loadgen.engine;

import java.time.Duration;
import java.util.Locale;

/** Parses durations written as {@code 250ms}, {@code 5s}, {@code 2m} or ISO-8601. */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
    }
    if (lower.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1)));
    }
    if (lower.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(lower.substring(0, lower.length() - 1)));
    }
    return Duration.parse(text);
  }
}
