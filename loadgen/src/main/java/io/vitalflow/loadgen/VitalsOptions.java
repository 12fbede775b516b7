package io.vitalflow.loadgen;

import io.vitalflow.loadgen.engine.FlagValues;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Flags of the {@code vitals} scenario; {@link #parse} rejects unknown flags and bad values with one clear message.
 *
 * @param ingestBase the gateway's base URL
 * @param rate readings offered per second
 * @param duration how long readings are offered
 * @param patients distinct simulated patients
 * @param batch readings per NDJSON request
 * @param concurrency requests in flight at most
 * @param drainTimeout how long to wait for accepted readings to be stored
 * @param reportDir where the Markdown and HTML reports go
 */
record VitalsOptions(URI ingestBase, int rate, Duration duration, int patients, int batch, int concurrency,
    String jdbcUrl, String jdbcUser, String jdbcPassword, Duration drainTimeout, Path reportDir) {

  static final String USAGE = "loadgen vitals [--url=http://127.0.0.1:8081] [--rate=60000] [--duration=60s]"
      + " [--patients=5000] [--batch=500] [--concurrency=32] [--jdbc-url=jdbc:postgresql://127.0.0.1:54329/vitalflow]"
      + " [--jdbc-user=postgres] [--jdbc-password=(.vitalflow*/postgres.password)] [--drain-timeout=120s] [--report-dir=loadgen-reports]";

  private static final List<String> KNOWN = List.of("url", "rate", "duration", "patients", "batch", "concurrency",
      "jdbc-url", "jdbc-user", "jdbc-password", "drain-timeout", "report-dir");

  static VitalsOptions parse(Map<String, String> flags) {
    FlagValues.rejectUnknown(flags, KNOWN);
    String jdbcUrl = flags.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/vitalflow");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--jdbc-url must be a jdbc:postgresql: URL, got '" + jdbcUrl + "'");
    }
    return new VitalsOptions(FlagValues.httpUrl("--url", flags.getOrDefault("url", "http://127.0.0.1:8081")),
        FlagValues.positiveInt("--rate", flags.getOrDefault("rate", "60000")),
        FlagValues.positiveDuration("--duration", flags.getOrDefault("duration", "60s")),
        FlagValues.positiveInt("--patients", flags.getOrDefault("patients", "5000")),
        FlagValues.positiveInt("--batch", flags.getOrDefault("batch", "500")),
        FlagValues.positiveInt("--concurrency", flags.getOrDefault("concurrency", "32")),
        jdbcUrl, flags.getOrDefault("jdbc-user", "postgres"),
        flags.getOrDefault("jdbc-password", Flags.localJdbcPassword()),
        FlagValues.positiveDuration("--drain-timeout", flags.getOrDefault("drain-timeout", "120s")),
        Path.of(flags.getOrDefault("report-dir", "loadgen-reports")));
  }
}
