package io.vitalflow.platform.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the scale-out scenario found ({@link ScaleOutScenario}) and its Markdown report: the
 * partitions each processor instance owned before and after the second one joined, the records and
 * CPU each spent per phase, the time to the new instance's first partitions, whether
 * acknowledgements and processing paused, and the stored-exactly-once and aggregate checks.
 */
final class ScaleOutReport {

  /** The measure of the Streams app's records: what its consumers fetched of the raw topic. */
  static final String STREAMS_RECORDS = "Streams: vitals.raw.v1 records";

  /** CPU seconds of the instance's process in the phase ({@code /proc/<pid>/stat}). */
  static final String CPU_SECONDS = "CPU s";

  /** The prefix of a sink's measure (followed by the sink's name). */
  static final String SINK_PREFIX = "sink ";

  /**
   * One phase: its length, the acknowledgements and processing lag seen in it, and per instance the
   * measures (records per counter, {@link #CPU_SECONDS}).
   *
   * @param acks readings acknowledged to the devices in the phase
   * @param lowestAcksPerSecond the fewest acknowledgements in any whole second of the phase
   * @param probeLatencyMedianMillis the latency probe's median (one reading a request)
   * @param probeLatencyMaxMillis its maximum
   * @param probeFailures probe requests not answered 200
   * @param maxStreamsLag largest lag of the Streams app's consumers sampled in the phase, NaN if
   *     none
   * @param maxSinkLag largest lag of any sink's consumers
   * @param measures instance name to measure to value (deltas over the phase)
   */
  record Phase(
      String name,
      Duration length,
      long acks,
      long lowestAcksPerSecond,
      double probeLatencyMedianMillis,
      double probeLatencyMaxMillis,
      long probeFailures,
      double maxStreamsLag,
      double maxSinkLag,
      Map<String, Map<String, Double>> measures) {}

  /** One group's ownership before the second instance started and at the end. */
  record Groups(
      String group, GroupAssignments.Ownership before, GroupAssignments.Ownership after) {}

  /** When the new instance took part, from its start; null where it did not (in the run). */
  record Timing(String group, Duration firstOwned, Duration settled) {}

  /**
   * The whole run.
   *
   * @param header what ran: load, date, load average
   * @param existing the instance that ran alone
   * @param added the instance added while ingest ran
   * @param ready the time from the new instance's start to its readiness
   * @param aggregates as {@code FaultScenario}'s: [1m windows, 1m wrong, 1m over-counted, 1h
   *     windows, 1h wrong, 1h over-counted, readings over-counted in 1m windows]
   */
  record Result(
      String header,
      String existing,
      String added,
      List<Groups> groups,
      Duration ready,
      List<Timing> timings,
      List<Phase> phases,
      long readingsAcked,
      long readingsMissing,
      long readingsDuplicated,
      long[] aggregates,
      String streamsGroup,
      String readingsGroup) {

    Result {
      aggregates = aggregates.clone();
    }

    /**
     * Nothing lost, nothing stored twice, no aggregate wrong otherwise than by a retried reading,
     * and the new instance owns raw-topic partitions of the Streams app and the readings sink.
     */
    boolean passed() {
      return readingsAcked > 0
          && readingsMissing == 0
          && readingsDuplicated == 0
          && aggregates[1] == 0
          && aggregates[4] == 0
          && owns(streamsGroup)
          && owns(readingsGroup);
    }

    private boolean owns(String group) {
      return groups.stream()
          .filter(g -> g.group().equals(group))
          .anyMatch(g -> g.after().count(added) > 0);
    }
  }

  private ScaleOutReport() {}

  static String markdown(Result r, String stamp) {
    StringBuilder md = new StringBuilder();
    md.append("# Scale-out scenario ")
        .append(stamp)
        .append(" UTC: ")
        .append(r.passed() ? "PASSED" : "FAILED")
        .append("\n\n")
        .append(r.header())
        .append("\n\n## Partitions per instance\n\n")
        .append("Before: the last assignment before ")
        .append(r.added())
        .append(" started; after: at the end of the run (the group coordinator's assignment,")
        .append(" `describeConsumerGroups`).\n\n")
        .append("| group | topic | instance | before | after |\n|---|---|---|---|---|\n");
    for (Groups g : r.groups()) {
      Set<String> topics = new TreeSet<>(g.before().topics());
      topics.addAll(g.after().topics());
      Set<String> owners = new TreeSet<>(List.of(r.existing(), r.added()));
      owners.addAll(g.before().byOwner().keySet());
      owners.addAll(g.after().byOwner().keySet());
      for (String topic : topics) {
        for (String owner : owners) {
          md.append(
              String.format(
                  "| %s | %s | %s | %s | %s |%n",
                  g.group(),
                  topic,
                  owner,
                  cell(g.before().partitions(owner, topic)),
                  cell(g.after().partitions(owner, topic))));
        }
      }
    }
    md.append("\n## When the new instance took over\n\n")
        .append(r.added())
        .append(" was ready ")
        .append(seconds(r.ready()))
        .append(" after its start.\n\n")
        .append("| group | first partition owned after | assignment stable after |\n")
        .append("|---|---|---|\n");
    for (Timing t : r.timings()) {
      md.append(
          String.format(
              "| %s | %s | %s |%n",
              t.group(),
              t.firstOwned() == null ? "never" : seconds(t.firstOwned()),
              t.settled() == null ? "not settled" : seconds(t.settled())));
    }
    md.append("\n## Records and CPU per instance and phase\n\n").append(measureTable(r));
    md.append("\n## Did ingest or processing pause?\n\n")
        .append(
            "| phase | length | device readings acked | acks/s | fewest acks in a second |"
                + " probe latency median | probe latency max | probe failures |"
                + " max Streams lag | max sink lag |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Phase p : r.phases()) {
      double secs = Math.max(0.001, p.length().toMillis() / 1000.0);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %.1f | %d | %.0f ms | %.0f ms | %d | %s | %s |%n",
              p.name(),
              seconds(p.length()),
              p.acks(),
              p.acks() / secs,
              p.lowestAcksPerSecond(),
              p.probeLatencyMedianMillis(),
              p.probeLatencyMaxMillis(),
              p.probeFailures(),
              lag(p.maxStreamsLag()),
              lag(p.maxSinkLag())));
    }
    long[] a = r.aggregates();
    md.append("\n## Nothing lost\n\n")
        .append(
            String.format(
                "Readings acknowledged: %d; missing in `vital_reading`: %d; stored twice: %d.%n"
                    + "1-minute aggregates: %d windows against the recomputation from"
                    + " `vital_reading`, %d wrong, %d over-counted (%d readings counted twice);"
                    + " 1-hour: %d windows, %d wrong, %d over-counted.%n",
                r.readingsAcked(),
                r.readingsMissing(),
                r.readingsDuplicated(),
                a[0],
                a[1],
                a[2],
                a[6],
                a[3],
                a[4],
                a[5]))
        .append(
            "\nOver-counted windows (count and sum higher than the stored readings', min and max"
                + " equal: a reading sent again after a 503 reached the topic twice) are reported,"
                + " not failed: the scenario is about moving partitions, and the reading"
                + " de-duplication is its own change. Wrong windows, missing or doubled readings,"
                + " or a new instance that owns no raw-topic partition of the Streams app or the"
                + " readings sink fail the run.\n")
        .append(
            "\nRecords: what the Streams app's stream threads in each instance processed (all of"
                + " it from `vitals.raw.v1`, `kafka_stream_thread_process_total`) and what each"
                + " sink flushed (`vitalflow_sink_batch_records_sum`), as"
                + " differences of the counters at the phase's start and end; CPU from"
                + " `/proc/<pid>/stat` (user + system). Lag: the largest"
                + " `vitalflow_consumer_lag_records` of any instance, sampled every 2 s. The"
                + " probe sends one reading a request, 5 a second, beside the devices. The new"
                + " instance's CPU in the rebalance phase includes its JVM's start; \"fewest acks"
                + " in a second\" is counted by the clients, sampled every second.\n");
    return md.toString();
  }

  private static String measureTable(Result r) {
    Set<String> measures = new TreeSet<>();
    for (Phase p : r.phases()) {
      p.measures().values().forEach(m -> measures.addAll(m.keySet()));
    }
    measures.remove(CPU_SECONDS);
    List<String> columns = new java.util.ArrayList<>();
    if (measures.remove(STREAMS_RECORDS)) {
      columns.add(STREAMS_RECORDS);
    }
    columns.addAll(measures);
    StringBuilder md = new StringBuilder("| phase | instance |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (String column : columns) {
      md.append(' ').append(column).append(" |");
      rule.append("---|");
    }
    md.append(" CPU s | CPU ms per raw record |\n").append(rule).append("---|---|\n");
    for (Phase p : r.phases()) {
      Map<String, Double> totals = new java.util.HashMap<>();
      p.measures().values().forEach(m -> m.forEach((k, v) -> totals.merge(k, v, Double::sum)));
      for (String instance : List.of(r.existing(), r.added())) {
        Map<String, Double> m = p.measures().get(instance);
        if (m == null) {
          md.append("| ").append(p.name()).append(" | ").append(instance).append(" | ");
          md.append("- | ".repeat(columns.size() + 2)).append('\n');
          continue;
        }
        md.append("| ").append(p.name()).append(" | ").append(instance).append(" |");
        for (String column : columns) {
          md.append(' ').append(share(m.get(column), totals.get(column))).append(" |");
        }
        double cpu = m.getOrDefault(CPU_SECONDS, Double.NaN);
        double records = m.getOrDefault(STREAMS_RECORDS, 0.0);
        md.append(
            String.format(
                Locale.ROOT,
                " %s | %s |%n",
                Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
                Double.isNaN(cpu) || records < 1
                    ? "-"
                    : String.format(Locale.ROOT, "%.2f", cpu * 1000 / records)));
      }
    }
    return md.toString();
  }

  /** {@code 1234 (50 %)}: the value and its share of all instances'. */
  static String share(Double value, Double total) {
    if (value == null) {
      return "-";
    }
    long v = Math.round(value);
    if (total == null || total < 1) {
      return Long.toString(v);
    }
    return String.format(Locale.ROOT, "%d (%.0f %%)", v, 100 * value / total);
  }

  private static String cell(java.util.SortedSet<Integer> partitions) {
    return partitions.isEmpty()
        ? "-"
        : GroupAssignments.ranges(partitions) + " (" + partitions.size() + ")";
  }

  private static String lag(double lag) {
    return Double.isNaN(lag) ? "-" : Long.toString(Math.round(lag));
  }

  static String seconds(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** The console summary: verdict, ownership after, timings, the checks. */
  static String summary(Result r) {
    StringBuilder text = new StringBuilder();
    text.append("Scale-out scenario: ").append(r.passed() ? "PASSED" : "FAILED").append('\n');
    for (Groups g : r.groups()) {
      text.append(
          String.format(
              "  %-40s before %s %d | after %s %d, %s %d%n",
              g.group(),
              r.existing(),
              g.before().count(r.existing()),
              r.existing(),
              g.after().count(r.existing()),
              r.added(),
              g.after().count(r.added())));
    }
    for (Timing t : r.timings()) {
      text.append(
          String.format(
              "  %-40s first partition after %s, stable after %s%n",
              t.group(),
              seconds(t.firstOwned()),
              t.settled() == null ? "not settled" : seconds(t.settled())));
    }
    long[] a = r.aggregates();
    text.append(
        String.format(
            "  readings acked %d, missing %d, twice %d; aggregates 1m %d windows (%d wrong, %d"
                + " over-counted), 1h %d (%d wrong, %d over-counted)",
            r.readingsAcked(),
            r.readingsMissing(),
            r.readingsDuplicated(),
            a[0],
            a[1],
            a[2],
            a[3],
            a[4],
            a[5]));
    return text.toString();
  }
}
