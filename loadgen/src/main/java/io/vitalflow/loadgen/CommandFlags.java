package io.vitalflow.loadgen;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/** Checks shared by the flag parsers of {@code seed} and {@code vitals-query}. */
final class CommandFlags {

  private CommandFlags() {
  }

  /** Rejects any flag not in {@code known}, naming the known ones. */
  static void rejectUnknown(Map<String, String> flags, Collection<String> known) {
    for (String name : new TreeSet<>(flags.keySet())) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + " (known: --"
            + String.join(", --", new TreeSet<>(known)) + ")");
      }
    }
  }

  static Path directory(String name, String text) {
    try {
      if (text.isBlank()) {
        throw new IllegalArgumentException(name + " must name a directory, got an empty value");
      }
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(name + " is not a valid path: '" + text + "'");
    }
  }
}
