package io.vitalflow.loadgen.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Flag values checked one by one, each failure an {@link IllegalArgumentException} naming the flag.
 * Picocli reads the command line (names, defaults, unknown flags); these checks keep the messages
 * the scenarios always gave.
 */
public final class FlagValues {

  private FlagValues() {}

  /**
   * A comma-separated list of names, each one of {@code known}, in the given order (repeats kept),
   * e.g. {@code --scenarios=seed,fhir}; an unknown name fails as {@code <flag>: no <noun> 'x'
   * (known: ...)}.
   */
  public static List<String> names(String flag, String noun, String text, List<String> known) {
    List<String> names = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String name = part.strip();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            flag + ": no " + noun + " '" + name + "' (known: " + String.join(", ", known) + ")");
      }
      names.add(name);
    }
    return names;
  }

  /** A directory path (it need not exist yet). */
  public static Path directory(String name, String text) {
    try {
      if (text.isBlank()) {
        throw new IllegalArgumentException(name + " must name a directory, got an empty value");
      }
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(name + " is not a valid path: '" + text + "'");
    }
  }

  public static Duration duration(String name, String text) {
    try {
      Duration duration = Durations.parse(text);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, got " + text);
      }
      return duration;
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 250ms, 30s or 2m, got '" + text + "'");
    }
  }

  public static Duration positiveDuration(String name, String text) {
    Duration duration = duration(name, text);
    if (duration.isZero()) {
      throw new IllegalArgumentException(name + " must be longer than 0, got " + text);
    }
    return duration;
  }

  public static int nonNegativeInt(String name, String text) {
    return intAtLeast(name, text, 0);
  }

  public static int positiveInt(String name, String text) {
    return intAtLeast(name, text, 1);
  }

  private static int intAtLeast(String name, String text, int min) {
    int value;
    try {
      value = Integer.parseInt(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** A fraction written {@code 0.01} or {@code 1%}. */
  public static double fraction(String name, String text) {
    double value;
    try {
      value =
          text.endsWith("%")
              ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
              : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a fraction such as 0.01 or 1%, got '" + text + "'");
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be between 0 and 1 (0% and 100%), got " + text);
    }
    return value;
  }

  public static URI httpUrl(String name, String text) {
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            name + " must be an http(s) URL with a host, got '" + text + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URL: '" + text + "'");
    }
  }
}
