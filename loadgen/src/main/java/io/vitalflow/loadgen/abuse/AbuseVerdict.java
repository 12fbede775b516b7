package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.engine.Thresholds;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.ThresholdResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The abuse run's pass/fail checks, from what was measured; the exit code follows them. The normal
 * traffic's thresholds (k6 style), then: nothing acknowledged lost or stored twice, every created
 * Patient readable, every poison probe refused with a 4xx or stored correctly (a 503 only with
 * {@code Retry-After}), slow connections ended by the server in time, every service healthy again
 * and a normal request served after the attacks.
 */
final class AbuseVerdict {

  private AbuseVerdict() {}

  /**
   * @param normal the normal traffic over all its operations
   * @param poison the poison probes over all of them (an error is a broken rule)
   * @param slowloris the slowloris result, checked against {@code headerWithin} (null: not checked)
   * @param slowBodies the slow-body result, checked against {@code bodyWithin} (null: not checked)
   */
  static List<ThresholdResult> evaluate(
      Thresholds thresholds,
      Duration headerWithin,
      Duration bodyWithin,
      OperationSummary normal,
      OperationSummary poison,
      AttackResult slowloris,
      AttackResult slowBodies,
      Afterwards after) {
    List<ThresholdResult> results = new ArrayList<>();
    for (ThresholdResult normalLimit : thresholds.evaluate(normal)) {
      results.add(
          new ThresholdResult(
              "normal traffic: " + normalLimit.limit(), normalLimit.actual(), normalLimit.held()));
    }
    results.add(
        new ThresholdResult(
            "every acknowledged reading stored",
            String.format(
                Locale.ROOT,
                "%,d of %,d found%s",
                after.readingsFound(),
                after.readingsAcknowledged(),
                after.readingsFoundAfterMillis() >= 0
                    ? String.format(
                        Locale.ROOT,
                        ", the last %.1f s after the attacks",
                        after.readingsFoundAfterMillis() / 1000.0)
                    : ""),
            after.readingsAcknowledged() > 0
                && after.readingsFound() == after.readingsAcknowledged()));
    results.add(
        new ThresholdResult(
            "no acknowledged reading stored twice",
            String.format(Locale.ROOT, "%,d stored more than once", after.readingsDuplicated()),
            after.readingsDuplicated() == 0));
    results.add(
        new ThresholdResult(
            "every created Patient readable",
            String.format(
                Locale.ROOT, "%,d of %,d", after.patientsReadable(), after.patientsCreated()),
            after.patientsCreated() > 0 && after.patientsReadable() == after.patientsCreated()));
    results.add(poison(poison, after));
    if (headerWithin != null && slowloris != null) {
      results.add(slowConnections(headerWithin, slowloris));
    }
    if (bodyWithin != null && slowBodies != null) {
      results.add(slowConnections(bodyWithin, slowBodies));
    }
    results.add(
        new ThresholdResult(
            "every service healthy (UP) again after the attacks",
            health(after),
            after.recovered()));
    results.add(
        new ThresholdResult(
            "a normal ingest batch and FHIR create + read served after the attacks",
            "ingest "
                + (after.ingestAfter() == null ? "acknowledged" : after.ingestAfter())
                + ", FHIR "
                + (after.fhirAfter() == null ? "created and read" : after.fhirAfter()),
            after.ingestAfter() == null && after.fhirAfter() == null));
    return results;
  }

  private static ThresholdResult poison(OperationSummary poison, Afterwards after) {
    String kinds =
        poison.errorKinds().entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(4)
            .map(e -> e.getKey() + " ×" + e.getValue())
            .collect(Collectors.joining(", "));
    String unreadable =
        after.poisonUnreadable().isEmpty()
            ? ""
            : "; stored but not read back: "
                + after.poisonUnreadable().stream()
                    .distinct()
                    .limit(3)
                    .collect(Collectors.joining(", "));
    String actual =
        poison.count() == 0
            ? "none sent"
            : String.format(
                    Locale.ROOT,
                    "%,d of %,d broke it%s",
                    poison.errors(),
                    poison.count(),
                    kinds.isEmpty() ? "" : " (" + kinds + ")")
                + unreadable;
    return new ThresholdResult(
        "poison writes refused with a 4xx or stored correctly (5xx only as 503 + Retry-After)",
        actual,
        poison.errors() == 0 && after.poisonUnreadable().isEmpty());
  }

  private static ThresholdResult slowConnections(Duration limit, AttackResult attack) {
    long kept = attack.keptLongerThan(limit);
    long undecided = attack.undecided(limit);
    String actual =
        String.format(Locale.ROOT, "%,d of %,d kept longer", kept, attack.opened())
            + (undecided > 0
                ? String.format(
                    Locale.ROOT, "; %,d still open at the end but younger than that", undecided)
                : "");
    return new ThresholdResult(
        attack.name() + " ended by the server within " + limit.toSeconds() + " s",
        actual,
        kept == 0);
  }

  private static String health(Afterwards after) {
    return after.healthUpAfterMillis().entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " "
                    + (e.getValue() >= 0
                        ? String.format(Locale.ROOT, "UP after %.1f s", e.getValue() / 1000.0)
                        : "not UP (last: "
                            + after.healthLast().getOrDefault(e.getKey(), "no answer")
                            + ")"))
        .collect(Collectors.joining(", "));
  }
}
