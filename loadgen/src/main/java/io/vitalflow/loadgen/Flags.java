package io.vitalflow.loadgen;

import java.util.HashMap;
import java.util.Map;

/** Command-line flags written as {@code --name=value}. */
public final class Flags {
  private Flags() {
  }

  /** Parses {@code args[from..]}; anything not of the form {@code --name=value} is an error. */
  public static Map<String, String> parse(String[] args, int from) {
    Map<String, String> flags = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("Expected --name=value, got " + arg);
      }
      flags.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    return flags;
  }
}
