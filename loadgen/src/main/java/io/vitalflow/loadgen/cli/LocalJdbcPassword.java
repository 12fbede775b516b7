package io.vitalflow.loadgen.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default {@code --jdbc-password} of the scenarios that read PostgreSQL ({@code vitals}, {@code
 * suite}): the local platform's generated password, so that a benchmark against {@code ./vitalflow
 * start} needs no flag.
 */
public final class LocalJdbcPassword {
  private LocalJdbcPassword() {}

  /**
   * The default {@code --jdbc-password}: the generated password of the local platform's PostgreSQL,
   * read from {@code postgres.password} in {@code $VITALFLOW_DATA_DIR}, else in {@code .vitalflow},
   * else in the {@code .vitalflow*} data directory with the newest password file where {@code
   * ./vitalflow} runs (e.g. {@code --data-dir=.vitalflow-bench}); {@code postgres} when there is
   * none. Says on stderr which file it read.
   */
  public static String read() {
    String dataDir = System.getenv("VITALFLOW_DATA_DIR");
    Path file =
        Path.of(dataDir == null || dataDir.isBlank() ? ".vitalflow" : dataDir, "postgres.password");
    try {
      if (!Files.isReadable(file)) {
        file = newestPasswordFile(Path.of("."));
      }
      if (file == null) {
        return "postgres";
      }
      System.err.println(
          "loadgen: PostgreSQL password from " + file + " (--jdbc-password overrides)");
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code postgres.password} of the {@code .vitalflow*} directory whose password file is
   * newest, or null.
   */
  static Path newestPasswordFile(Path workingDirectory) throws IOException {
    try (var dirs = Files.newDirectoryStream(workingDirectory, ".vitalflow*")) {
      Path newest = null;
      for (Path dir : dirs) {
        Path candidate = dir.resolve("postgres.password");
        if (Files.isReadable(candidate)
            && (newest == null
                || Files.getLastModifiedTime(candidate).compareTo(Files.getLastModifiedTime(newest))
                    > 0)) {
          newest = candidate;
        }
      }
      return newest;
    }
  }
}
