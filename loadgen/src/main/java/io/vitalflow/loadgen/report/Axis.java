package io.vitalflow.loadgen.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One chart axis from zero to a round maximum, mapping values linearly onto [0, 1], with labelled
 * ticks. Any value maps inside the axis: NaN to 0, beyond the maximum (infinity included) to 1.
 */
final class Axis {

  /** Largest maximum an axis takes; keeps tick arithmetic finite. */
  private static final double LARGEST = 1e300;

  /** Smallest maximum an axis takes; a chart of all zeros (or of less) gets a 0..1 axis. */
  private static final double SMALLEST = 1e-9;

  private static final int TICKS = 5;

  /** A tick at {@code value}, written as {@code label}. */
  record Tick(double value, String label) {}

  private final String title;
  private final double max;
  private final List<Tick> ticks;

  private Axis(String title, double max, List<Tick> ticks) {
    this.title = title;
    this.max = max;
    this.ticks = List.copyOf(ticks);
  }

  /** From 0 to a round number at or above {@code largestValue}, with about five ticks. */
  static Axis linear(String title, double largestValue) {
    double top = largestValue >= SMALLEST ? Math.min(largestValue, LARGEST) : 1;
    double step = roundStep(top / TICKS);
    int steps = Math.max(1, (int) Math.ceil(top / step - 1e-9));
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= steps; i++) {
      ticks.add(new Tick(i * step, Format.axis(i * step)));
    }
    return new Axis(title, steps * step, ticks);
  }

  /**
   * The percentile spectrum in "nines": value {@code n} is the percentile {@code 100 (1 - 10^-n)},
   * so 0 is 0%, 1 is 90%, 2 is 99%, 3 is 99.9%; from 0 to {@code nines}.
   */
  static Axis nines(int nines) {
    int top = Math.max(1, nines);
    List<Tick> ticks = new ArrayList<>();
    for (int n = 0; n <= top; n++) {
      ticks.add(new Tick(n, ninesLabel(n)));
    }
    return new Axis("percentile", top, ticks);
  }

  /** Where {@code value} lies along the axis, from 0 to 1. */
  double fraction(double value) {
    if (Double.isNaN(value)) {
      return 0;
    }
    return Math.max(0, Math.min(1, value / max));
  }

  String title() {
    return title;
  }

  List<Tick> ticks() {
    return ticks;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  private static double roundStep(double rough) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double leading = rough / magnitude;
    double round = leading <= 1 ? 1 : leading <= 2 ? 2 : leading <= 5 ? 5 : 10;
    return round * magnitude;
  }

  private static String ninesLabel(int n) {
    return switch (n) {
      case 0 -> "0%";
      case 1 -> "90%";
      case 2 -> "99%";
      default -> "99." + "9".repeat(n - 2) + "%";
    };
  }
}
