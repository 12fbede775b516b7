package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.LoadResult;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.Result;
import io.vitalflow.loadgen.report.RunReport.Setting;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The abuse run as a {@link RunReport}: per attack what the server answered, the normal traffic,
 * the checks.
 */
final class AbuseReport {

  static final String TITLE =
      "Abuse: slowloris, slow bodies, connection flood and poison writes beside normal"
          + " traffic";

  private AbuseReport() {}

  /** Everything one run measured. */
  record Measured(
      Instant started,
      String runId,
      LoadResult normal,
      List<OperationSummary> poison,
      Map<String, Map<String, Long>> poisonAnswers,
      List<AttackResult> attacks,
      Afterwards after,
      long descriptorsBefore,
      long descriptorsPeak) {}

  static RunReport build(AbuseOptions options, Measured m, List<ThresholdResult> checks) {
    List<Setting> settings =
        List.of(
            new Setting(
                "services",
                options.services().stream()
                    .map(s -> s.name() + " " + s.base())
                    .collect(Collectors.joining(", "))),
            new Setting("attacks for", options.duration().toSeconds() + " s"),
            new Setting(
                "slowloris",
                String.format(
                    Locale.ROOT,
                    "%,d connections, one header byte every %d ms each",
                    options.slowloris(),
                    options.slowlorisEvery().toMillis())),
            new Setting(
                "slow bodies",
                String.format(
                    Locale.ROOT,
                    "%,d clients, Content-Length %,d bytes to %s/api/v1/vitals at %,d bytes/s each",
                    options.slowBodies(),
                    options.slowBodySize(),
                    options.ingest(),
                    options.slowBodyRate())),
            new Setting(
                "connection flood",
                String.format(
                    Locale.ROOT,
                    "up to %,d idle connections, %,d opened per second, held %d s, released, again",
                    options.flood(),
                    options.floodRamp(),
                    options.floodHold().toSeconds())),
            new Setting(
                "attack sockets bound to",
                options.attackFrom() == null
                    ? "the system's choice"
                    : options.attackFrom().getHostAddress()
                        + " (the normal traffic and the poison writes: the system's choice)"),
            new Setting("poison writes", options.poisonRate() + " per second, each probe in turn"),
            new Setting(
                "normal traffic",
                String.format(
                    Locale.ROOT,
                    "%s: half NDJSON batches of %d readings over %d patients, half FHIR Patient create + read",
                    LoadModels.describe(options.normalModel()),
                    options.batch(),
                    options.patients())),
            new Setting("ids of this run", m.runId() + "-*"),
            new Setting(
                "recovery and verify timeouts",
                options.recoveryTimeout().toSeconds()
                    + " s, "
                    + options.verifyTimeout().toSeconds()
                    + " s"));
    List<OperationSummary> operations = new ArrayList<>();
    m.normal().operations().stream()
        .filter(o -> !o.name().equals(RunReport.ALL))
        .forEach(operations::add);
    m.poison().stream().filter(o -> !o.name().equals(RunReport.ALL)).forEach(operations::add);
    operations.add(m.normal().all());
    List<Result> results = new ArrayList<>();
    for (AttackResult attack : m.attacks()) {
      results.addAll(attack(attack));
    }
    m.poisonAnswers()
        .forEach(
            (probe, answers) ->
                results.add(new Result("poison " + probe + ": answers", counts(answers))));
    results.add(
        new Result(
            "readings acknowledged / found / stored twice",
            String.format(
                Locale.ROOT,
                "%,d / %,d / %,d",
                m.after().readingsAcknowledged(),
                m.after().readingsFound(),
                m.after().readingsDuplicated())));
    results.add(
        new Result(
            "Patients created / readable",
            String.format(
                Locale.ROOT,
                "%,d / %,d",
                m.after().patientsCreated(),
                m.after().patientsReadable())));
    results.add(
        new Result(
            "poison resources stored / not read back",
            String.format(
                Locale.ROOT,
                "%,d / %,d",
                m.after().poisonStored(),
                m.after().poisonUnreadable().size())));
    m.after()
        .healthLast()
        .forEach(
            (service, last) ->
                results.add(
                    new Result(
                        "health " + service + " after",
                        last + upAfter(m.after().healthUpAfterMillis().get(service)))));
    if (m.descriptorsBefore() >= 0) {
      results.add(
          new Result(
              "file descriptors of this process",
              String.format(
                  Locale.ROOT,
                  "%,d before, %,d at the peak of the attacks",
                  m.descriptorsBefore(),
                  m.descriptorsPeak())));
    }
    List<String> notes =
        new ArrayList<>(
            List.of(
                "The `all` row is the normal traffic only; each poison row counts a request as an error when its answer"
                    + " broke the rule (a 4xx, or a 2xx where storing is allowed, or a 503 with Retry-After holds).",
                "A connection 'ended' when the server answered on it or closed it; the generator then opened another."
                    + " 'Released' connections were closed by the generator (the flood's release, the end of the run)."));
    return new RunReport(
        "abuse",
        TITLE,
        m.started(),
        m.normal().elapsed(),
        settings,
        operations,
        m.normal().timeline(),
        results,
        List.of(),
        checks,
        notes);
  }

  private static List<Result> attack(AttackResult a) {
    List<Result> rows = new ArrayList<>();
    rows.add(
        new Result(
            a.name() + ": connections",
            String.format(
                Locale.ROOT,
                "%,d opened, at most %,d at once, %,d connect failures%s, %,d bytes sent",
                a.opened(),
                a.peakOpen(),
                a.connectFailures().values().stream().mapToLong(Long::longValue).sum(),
                a.connectFailures().isEmpty() ? "" : " (" + counts(a.connectFailures()) + ")",
                a.bytesSent())));
    rows.add(
        new Result(
            a.name() + ": ended by the server",
            a.endedByServer() == 0
                ? "none"
                : String.format(
                    Locale.ROOT,
                    "%,d: %s; after %s",
                    a.endedByServer(),
                    counts(a.endings()),
                    spread(a.endedAfterMillis()))));
    rows.add(
        new Result(
            a.name() + ": still open at the end",
            a.openAtEndMillis().getTotalCount() == 0
                ? "none"
                : String.format(
                    Locale.ROOT,
                    "%,d, open for %s",
                    a.openAtEndMillis().getTotalCount(),
                    spread(a.openAtEndMillis()))));
    if (a.released() > 0) {
      rows.add(
          new Result(
              a.name() + ": released by the generator",
              String.format(Locale.ROOT, "%,d", a.released())));
    }
    return rows;
  }

  private static String spread(Histogram millis) {
    return String.format(
        Locale.ROOT,
        "min %.1f s, p50 %.1f s, p99 %.1f s, max %.1f s",
        millis.getMinValue() / 1e3,
        millis.getValueAtPercentile(50) / 1e3,
        millis.getValueAtPercentile(99) / 1e3,
        millis.getMaxValue() / 1e3);
  }

  static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> String.format(Locale.ROOT, "%s ×%,d", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String upAfter(Long millis) {
    return millis == null || millis < 0
        ? ", not UP within the recovery timeout"
        : String.format(Locale.ROOT, ", UP %.1f s after the attacks", millis / 1000.0);
  }
}
