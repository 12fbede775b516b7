package io.vitalflow.platform.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition ({@code /actuator/prometheus}), enough for the
 * scale-out scenario to add up counters by name and labels. Comment lines ({@code # HELP}, {@code #
 * TYPE}) are skipped; a line that does not parse is skipped too (the scenario reports what it could
 * read, it does not validate the format).
 */
final class PrometheusText {

  /** One sample: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {

    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Sample sample = sample(trimmed);
      if (sample != null) {
        samples.add(sample);
      }
    }
    return new PrometheusText(samples);
  }

  List<Sample> samples() {
    return samples;
  }

  /** The sum of the samples called {@code name} whose labels pass {@code filter}; 0 for none. */
  double sum(String name, Predicate<Sample> filter) {
    double sum = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && filter.test(sample)) {
        sum += sample.value();
      }
    }
    return sum;
  }

  /** The largest of those samples (NaN ones skipped), or NaN for none. */
  double max(String name, Predicate<Sample> filter) {
    double max = Double.NaN;
    for (Sample sample : samples) {
      if (sample.name().equals(name)
          && filter.test(sample)
          && !Double.isNaN(sample.value())
          && (Double.isNaN(max) || sample.value() > max)) {
        max = sample.value();
      }
    }
    return max;
  }

  /** {@code name{a="x",b="y"} 1.0 [timestamp]}, or null. */
  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    String rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = labels(line, brace + 1, labels);
      if (end < 0) {
        return null;
      }
      rest = line.substring(end + 1).strip();
    } else {
      name = line.substring(0, space);
      rest = line.substring(space + 1).strip();
    }
    String value = rest.split(" ", 2)[0];
    try {
      return new Sample(name, labels, number(value));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double number(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }

  /** Reads {@code a="x",b="y"} from {@code from}; the index of the closing brace, or -1. */
  private static int labels(String line, int from, Map<String, String> into) {
    int i = from;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        return i;
      }
      if (c == ',' || c == ' ') {
        i++;
        continue;
      }
      int equals = line.indexOf('=', i);
      if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
        return -1;
      }
      String key = line.substring(i, equals);
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (; j < line.length(); j++) {
        char v = line.charAt(j);
        if (v == '\\' && j + 1 < line.length()) {
          char escaped = line.charAt(++j);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else if (v == '"') {
          break;
        } else {
          value.append(v);
        }
      }
      if (j >= line.length()) {
        return -1;
      }
      into.put(key, value.toString());
      i = j + 1;
    }
    return -1;
  }
}
