package io.vitalflow.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * The default {@code --jdbc-password}: the generated password of the local platform's PostgreSQL
   * ({@code .vitalflow/postgres.password}, where {@code ./vitalflow} runs), else {@code postgres}.
   */
  public static String localJdbcPassword() {
    Path file = Path.of(".vitalflow", "postgres.password");
    try {
      return Files.isReadable(file) ? Files.readString(file, StandardCharsets.US_ASCII).strip() : "postgres";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
