package io.vitalflow.loadgen.abuse;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vitalflow.loadgen.auth.Bearer;
import io.vitalflow.loadgen.engine.HttpLoadClient;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.engine.LoadRunner;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario "abuse" (issue 12): for {@code --duration}, slowloris, slow bodies, a connection flood
 * and poison writes against a running platform, with normal traffic beside them at a modest
 * constant rate. Then everything stops by itself and the run checks that the normal traffic kept
 * its acknowledgements and latencies, that nothing acknowledged was lost, and that the platform
 * recovered on its own. Only the addresses given as flags are touched.
 */
public final class AbuseScenario {

  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  private final AbuseOptions options;
  private final PrintStream out;

  public AbuseScenario(AbuseOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public RunReport run() throws InterruptedException, IOException, ScenarioException {
    String runId = options.idPrefix() + "-" + Long.toString(System.currentTimeMillis(), 36);
    Bearer bearer = options.auth().open(out);
    try (HttpLoadClient normalHttp =
            new HttpLoadClient(options.maxInFlight() * 2, options.timeout(), bearer);
        HttpLoadClient poisonHttp =
            new HttpLoadClient(PoisonWrites.IN_FLIGHT, options.timeout(), bearer);
        HttpLoadClient checkHttp = new HttpLoadClient(16, CHECK_TIMEOUT, bearer)) {
      checkReachable(checkHttp);
      NormalTraffic normal = new NormalTraffic(normalHttp, options, runId);
      PoisonWrites poison =
          new PoisonWrites(
              poisonHttp, options, Poison.all(runId + "-poison"), normal::acknowledgedLine);
      SocketAttacks sockets = new SocketAttacks(options, runId + "-slow");
      out.printf(
          Locale.ROOT,
          "abuse: %d s of slowloris (%,d), slow bodies (%,d), flood (up to %,d) and poison"
              + " writes (%d/s) beside %d normal iterations/s; ids %s-*%n",
          options.duration().toSeconds(),
          options.slowloris(),
          options.slowBodies(),
          options.flood(),
          options.poisonRate(),
          options.rate(),
          runId);
      Instant started = Instant.now();
      long descriptorsBefore = openDescriptors();
      AtomicLong descriptorsPeak = new AtomicLong(descriptorsBefore);
      long deadline = System.nanoTime() + options.duration().toNanos();
      AtomicReference<Map<SocketAttacks.Kind, AttackResult>> attackResults =
          new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread attacks =
          daemon(
              "abuse-sockets",
              () -> {
                try {
                  attackResults.set(sockets.run(deadline));
                } catch (IOException | RuntimeException e) {
                  failure.set(e);
                }
              });
      Thread poisoner =
          daemon(
              "abuse-poison",
              () -> {
                try {
                  poison.run(deadline);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Thread watcher =
          daemon(
              "abuse-descriptors",
              () -> {
                while (System.nanoTime() < deadline) {
                  descriptorsPeak.accumulateAndGet(openDescriptors(), Math::max);
                  try {
                    TimeUnit.MILLISECONDS.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      LoadResult load;
      try {
        load =
            new LoadRunner(options.normalModel(), options.progressEvery(), out, "abuse")
                .run(normal);
      } finally {
        sockets.stop();
        attacks.join(TimeUnit.SECONDS.toMillis(30));
        poisoner.join(options.timeout().plusSeconds(30).toMillis());
        watcher.interrupt();
      }
      long attacksEnded = System.nanoTime();
      if (failure.get() != null || attackResults.get() == null) {
        throw new IllegalStateException("the socket attacks failed: " + failure.get());
      }
      List<AttackResult> attacked = new ArrayList<>(new EnumMap<>(attackResults.get()).values());
      attacked.forEach(this::print);
      out.println(
          "abuse: attacks stopped; waiting for health UP, then looking for every acknowledged write");
      Afterwards after =
          new Verification(checkHttp, options, normal, runId + "-d")
              .run(attacksEnded, poison.stored());
      poison.meters().harvest();
      List<OperationSummary> poisonSummaries =
          poison.meters().summaries(load.elapsed().toNanos() / 1e9);
      OperationSummary poisonAll = poisonSummaries.get(poisonSummaries.size() - 1);
      var checks =
          AbuseVerdict.evaluate(
              options.thresholds(),
              options.headerWithin(),
              options.bodyWithin(),
              load.all(),
              poisonAll,
              attackResults.get().get(SocketAttacks.Kind.SLOWLORIS),
              attackResults.get().get(SocketAttacks.Kind.SLOW_BODY),
              after);
      return AbuseReport.build(
          options,
          new AbuseReport.Measured(
              started,
              runId,
              load,
              poisonSummaries,
              poison.answers(),
              attacked,
              after,
              descriptorsBefore,
              descriptorsPeak.get()),
          checks);
    }
  }

  /**
   * Every service's health endpoint must give some HTTP answer before anything starts; else one
   * line, exit 2.
   */
  private void checkReachable(HttpLoadClient http) throws InterruptedException {
    for (AbuseOptions.Service service : options.services()) {
      try {
        http.get(service.health(), "application/json").get();
      } catch (ExecutionException e) {
        throw new IllegalArgumentException(
            "cannot reach "
                + service.name()
                + " at "
                + service.health()
                + ": "
                + HttpLoadClient.failureKind(e)
                + " (its address is a flag; off leaves the processor or the dashboard"
                + " out)");
      }
    }
  }

  private void print(AttackResult attack) {
    out.printf(
        Locale.ROOT,
        "abuse: %s: %,d opened (%,d at once), %,d ended by the server%s, %,d still open%n",
        attack.name(),
        attack.opened(),
        attack.peakOpen(),
        attack.endedByServer(),
        attack.endings().isEmpty() ? "" : " (" + AbuseReport.counts(attack.endings()) + ")",
        attack.openAtEndMillis().getTotalCount());
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** How many more files this process may open, or -1 when the platform does not tell. */
  static long freeDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
    }
    return -1;
  }

  private static long openDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
  }
}
