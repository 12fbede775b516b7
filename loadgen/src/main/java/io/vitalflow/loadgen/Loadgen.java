package io.vitalflow.loadgen;

import java.net.URI;
import java.util.Map;

/**
 * {@code loadgen vitals [--url=http://127.0.0.1:8081] [--rate=60000] [--duration=60s] [--patients=5000]
 * [--batch=500] [--concurrency=32] [--jdbc-url=...] [--jdbc-user=postgres] [--jdbc-password=postgres]}
 */
public final class Loadgen {

  private Loadgen() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("vitals")) {
      System.err.println("usage: loadgen vitals [--url=URL] [--rate=N] [--duration=60s] [--patients=N] [--batch=N]"
          + " [--concurrency=N] [--jdbc-url=URL] [--jdbc-user=U] [--jdbc-password=P]");
      System.exit(2);
    }
    Map<String, String> flags = Flags.parse(args, 1);
    var options = new VitalsBenchmark.Options(
        URI.create(flags.getOrDefault("url", "http://127.0.0.1:8081")),
        Integer.parseInt(flags.getOrDefault("rate", "60000")),
        Durations.parse(flags.getOrDefault("duration", "60s")),
        Integer.parseInt(flags.getOrDefault("patients", "5000")),
        Integer.parseInt(flags.getOrDefault("batch", "500")),
        Integer.parseInt(flags.getOrDefault("concurrency", "32")),
        flags.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/vitalflow"),
        flags.getOrDefault("jdbc-user", "postgres"),
        flags.getOrDefault("jdbc-password", "postgres"),
        Durations.parse(flags.getOrDefault("drain-timeout", "120s")));
    var result = new VitalsBenchmark(options, System.out).run();
    System.exit(result.stored() == result.accepted() ? 0 : 1);
  }
}
