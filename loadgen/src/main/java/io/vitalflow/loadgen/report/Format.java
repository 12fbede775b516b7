package io.vitalflow.loadgen.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Number, time and duration formats shared by the Markdown and HTML reports; locale-independent.
 */
final class Format {

  /** Shown for a figure that does not exist (no operations, a non-finite value). */
  static final String NONE = "—";

  private static final MathContext THREE_DIGITS = new MathContext(3);
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Format() {}

  /**
   * Three significant digits below 1,000 ({@code 0.123}, {@code 12.3}, {@code 123}), whole numbers
   * above, and scientific notation from 10^15 ({@code 2.00e+15}), where whole numbers stop being
   * readable.
   */
  static String significant(double value) {
    if (!Double.isFinite(value)) {
      return NONE;
    }
    if (Math.abs(value) >= 1e15) {
      return String.format(Locale.ROOT, "%.2e", value);
    }
    if (Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
  }

  /** A count with thousands separators. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A fraction as a percentage: {@code 0.0023} is {@code 0.23%}. */
  static String percent(double fraction) {
    return Double.isFinite(fraction) ? significant(fraction * 100) + "%" : NONE;
  }

  /** Wall-clock time in UTC to the second. */
  static String instant(Instant instant) {
    return instant == null ? NONE : UTC.format(instant);
  }

  /** {@code 1 h 2 min 3 s}, {@code 10 min 0 s}, {@code 45.2 s}. */
  static String duration(Duration duration) {
    if (duration == null) {
      return NONE;
    }
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return significant(duration.toNanos() / 1e9) + " s";
    }
    String minutes = duration.toMinutesPart() + " min " + duration.toSecondsPart() + " s";
    return seconds < 3600 ? minutes : duration.toHours() + " h " + minutes;
  }

  /** A short axis label: {@code 0}, {@code 2.5}, {@code 800}, {@code 12k}, {@code 3.5M}. */
  static String axis(double value) {
    double abs = Math.abs(value);
    if (!Double.isFinite(value) || abs >= 1e15 || (abs > 0 && abs < 1e-3)) {
      return String.format(Locale.ROOT, "%.0e", value);
    }
    if (abs >= 1e12) {
      return significant(value / 1e12) + "T";
    }
    if (abs >= 1e9) {
      return significant(value / 1e9) + "G";
    }
    if (abs >= 1e6) {
      return significant(value / 1e6) + "M";
    }
    return abs >= 1e4 ? significant(value / 1e3) + "k" : significant(value);
  }
}
