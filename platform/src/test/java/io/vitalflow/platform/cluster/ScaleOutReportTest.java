package io.vitalflow.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitalflow.platform.cluster.GroupAssignments.Member;
import io.vitalflow.platform.cluster.GroupAssignments.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The scale-out scenario's logic without a cluster: reading Prometheus text, telling the two
 * processor instances' group members apart, the takeover timings, the verdict and the report. The
 * real run is a documented command (docs/benchmarks.md, "Scale-out on the local cluster").
 */
class ScaleOutReportTest {

  private static final String P1 = "vitals-stream-processor-1";
  private static final String P2 = "vitals-stream-processor-2";
  private static final String STREAMS = "vitalflow-vitals";
  private static final String SINK = "vitalflow-vitals-sink-readings";
  private static final String RAW = "vitals.raw.v1";
  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");

  @Test
  void prometheusTextIsSummedByNameAndLabels() {
    PrometheusText text =
        PrometheusText.parse(
            """
            # HELP kafka_consumer_fetch_manager_records_consumed_total records
            # TYPE kafka_consumer_fetch_manager_records_consumed_total counter
            kafka_consumer_fetch_manager_records_consumed_total{client_id="app-1-StreamThread-1-consumer",kafka_version="4.1.2",topic="vitals_raw_v1",} 120.0
            kafka_consumer_fetch_manager_records_consumed_total{client_id="app-1-StreamThread-2-consumer",topic="vitals_raw_v1"} 30.0
            kafka_consumer_fetch_manager_records_consumed_total{client_id="app-1-StreamThread-1-restore-consumer",topic="vitals_raw_v1"} 999.0
            kafka_consumer_fetch_manager_records_consumed_total{client_id="app-1-StreamThread-1-consumer"} 150.0
            vitalflow_consumer_lag_records{group="app"} NaN
            vitalflow_consumer_lag_records{group="app-sink-readings"} 17.0 1733515200000
            vitalflow_sink_batch_records_sum{sink="a \\"quoted\\", name"} 5.5
            broken line without value
            up 1
            """);

    assertThat(
            text.sum(
                "kafka_consumer_fetch_manager_records_consumed_total",
                s ->
                    s.label("topic").equals("vitals_raw_v1")
                        && !s.label("client_id").contains("restore")))
        .isEqualTo(150.0);
    assertThat(text.max("vitalflow_consumer_lag_records", s -> true)).isEqualTo(17.0);
    assertThat(
            text.sum(
                "vitalflow_sink_batch_records_sum",
                s -> s.label("sink").equals("a \"quoted\", name")))
        .isEqualTo(5.5);
    assertThat(text.sum("up", s -> true)).isEqualTo(1.0);
    assertThat(text.samples()).hasSize(8);
  }

  @Test
  void streamsRecordsAreWhatTheAppsStreamThreadsProcessed() {
    String thread =
        "kafka_stream_thread_process_total{kafka_version=\"4.1.2\",thread_id=\"%s\"} %s%n";
    String fetched =
        "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"%s\",topic=\"%s\"} %s%n";
    String threads = "vitalflow-vitals-c7c5-StreamThread-";
    String text =
        String.format(thread, threads + "1", "6055.0")
            + String.format(thread, threads + "2", "4286.0")
            + String.format(thread, "vitalflow-vitals-medications-b0d9-StreamThread-1", "5.0")
            // the consumers' per-topic counters (twice: dotted and underscored) are not counted
            + String.format(fetched, threads + "1-consumer", "vitals.raw.v1", "6055.0")
            + String.format(fetched, threads + "1-consumer", "vitals_raw_v1", "6055.0");
    assertThat(ScaleOutScenario.streamsRecords(PrometheusText.parse(text), STREAMS))
        .isEqualTo(10341.0);
  }

  @Test
  void membersPresentBeforeTheAdditionAreTheFirstInstancesTheOthersTheNewOnes() {
    GroupAssignments assignments = new GroupAssignments(P1, P2, before());

    // the new instance joined: processor-1 keeps 0-2, the new Streams client and sink member get
    // 3-5
    Snapshot after =
        snapshot(
            10,
            Map.of(
                STREAMS,
                List.of(streams("A", 1, 0, 1, 2), streams("B", 1, 3, 4), streams("B", 2, 5)),
                SINK,
                List.of(sink("m1", 0, 1), sink("m2", 2), sink("m3", 3, 4, 5))));
    GroupAssignments.Ownership streams = assignments.ownership(after, STREAMS);
    assertThat(streams.partitions(P1, RAW)).containsExactly(0, 1, 2);
    assertThat(streams.partitions(P2, RAW)).containsExactly(3, 4, 5);
    GroupAssignments.Ownership sink = assignments.ownership(after, SINK);
    assertThat(sink.partitions(P1, RAW)).containsExactly(0, 1, 2);
    assertThat(sink.partitions(P2, RAW)).containsExactly(3, 4, 5);
    assertThat(sink.count(GroupAssignments.UNKNOWN)).isZero();

    // a sink member of the first instance rejoined under a new id: the new ids are not attributable
    Snapshot rejoined =
        snapshot(20, Map.of(SINK, List.of(sink("m1", 0, 1), sink("m9", 2, 3), sink("m3", 4, 5))));
    GroupAssignments.Ownership unclear = assignments.ownership(rejoined, SINK);
    assertThat(unclear.partitions(P1, RAW)).containsExactly(0, 1);
    assertThat(unclear.partitions(GroupAssignments.UNKNOWN, RAW)).containsExactly(2, 3, 4, 5);
    assertThat(unclear.count(P2)).isZero();
    // ...but a Streams client is known by its process id in the client id, whatever its member id
    Snapshot streamsRejoined =
        snapshot(20, Map.of(STREAMS, List.of(streams("A", 3, 0, 1, 2), streams("B", 1, 3, 4, 5))));
    assertThat(assignments.ownership(streamsRejoined, STREAMS).partitions(P1, RAW))
        .containsExactly(0, 1, 2);
  }

  @Test
  void takeoverTimesComeFromTheFirstAndTheLastChangeAfterTheStart() {
    Snapshot before = before();
    GroupAssignments assignments = new GroupAssignments(P1, P2, before);
    Instant start = T0.plusSeconds(1);
    List<Snapshot> snapshots =
        List.of(
            before,
            snapshot(2, Map.of(SINK, List.of(sink("m1", 0, 1, 2), sink("m2", 3, 4, 5)))),
            // the new member joined with nothing yet (a cooperative rebalance revokes first)
            snapshot(5, Map.of(SINK, List.of(sink("m1", 0, 1), sink("m2", 3, 4), sink("m3")))),
            snapshot(
                7, Map.of(SINK, List.of(sink("m1", 0, 1), sink("m2", 3, 4), sink("m3", 2, 5)))),
            snapshot(
                30, Map.of(SINK, List.of(sink("m1", 0, 1), sink("m2", 3, 4), sink("m3", 2, 5)))));

    assertThat(assignments.firstOwned(snapshots, SINK, start)).isEqualTo(Duration.ofSeconds(6));
    assertThat(assignments.settled(snapshots, SINK, start)).isEqualTo(Duration.ofSeconds(6));
    assertThat(assignments.settledFor(snapshots, List.of(SINK), start, Duration.ofSeconds(10)))
        .isTrue();
    assertThat(assignments.settledFor(snapshots, List.of(SINK), start, Duration.ofSeconds(30)))
        .isFalse();
    // the Streams group never gave the new instance anything: not settled, never owned
    assertThat(assignments.firstOwned(snapshots, STREAMS, start)).isNull();
    assertThat(assignments.settled(snapshots, STREAMS, start)).isNull();
    assertThat(
            assignments.settledFor(snapshots, List.of(SINK, STREAMS), start, Duration.ofSeconds(1)))
        .isFalse();
  }

  @Test
  void partitionsPrintAsRanges() {
    assertThat(GroupAssignments.ranges(new TreeSet<>(List.of(0, 1, 2, 4, 6, 7))))
        .isEqualTo("0-2,4,6-7");
    assertThat(GroupAssignments.ranges(new TreeSet<>(List.of(5)))).isEqualTo("5");
    assertThat(GroupAssignments.ranges(new TreeSet<>())).isEqualTo("-");
  }

  @Test
  void phasesAreCounterDifferencesAndANewInstanceStartsFromZero() {
    Map<String, Map<String, Double>> earlier = Map.of(P1, Map.of("x", 100.0, "CPU s", 10.0));
    Map<String, Map<String, Double>> later =
        Map.of(P1, Map.of("x", 160.0, "CPU s", 12.5), P2, Map.of("x", 40.0));
    Map<String, Map<String, Double>> delta = ScaleOutScenario.delta(later, earlier);
    assertThat(delta.get(P1)).containsEntry("x", 60.0).containsEntry("CPU s", 2.5);
    assertThat(delta.get(P2)).containsEntry("x", 40.0);
  }

  @Test
  void cpuTimeIsReadFromProcStatEvenWithSpacesInTheCommandName() {
    String stat =
        "4242 (java (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 566 0 0 20 0 40 0"
            + " 100 0 0";
    assertThat(ScaleOutScenario.cpuSecondsOf(stat)).isCloseTo(18.0, within(1e-9));
  }

  @Test
  void aRunPassesWhenNothingIsLostAndTheNewInstanceOwnsRawPartitions() {
    ScaleOutReport.Result ok = result(0, 0, new long[] {40, 0, 3, 4, 0, 1, 5}, true);
    assertThat(ok.passed()).as("over-counted windows are reported, not failed").isTrue();
    assertThat(result(1, 0, new long[7], true).passed()).isFalse();
    assertThat(result(0, 1, new long[7], true).passed()).isFalse();
    assertThat(result(0, 0, new long[] {40, 1, 0, 4, 0, 0, 0}, true).passed()).isFalse();
    assertThat(result(0, 0, new long[7], false).passed())
        .as("a new instance that took nothing over")
        .isFalse();
  }

  @Test
  void theReportShowsPartitionsAndRecordsPerInstanceBeforeAndAfter() {
    String md = ScaleOutReport.markdown(result(0, 0, new long[] {40, 0, 3, 4, 0, 1, 5}, true), "s");

    assertThat(md).startsWith("# Scale-out scenario s UTC: PASSED");
    assertThat(md)
        .contains("| vitalflow-vitals | vitals.raw.v1 | " + P1 + " | 0-5 (6) | 0-2 (3) |")
        .contains("| vitalflow-vitals | vitals.raw.v1 | " + P2 + " | - | 3-5 (3) |")
        .contains("| vitalflow-vitals-sink-readings | vitals.raw.v1 | " + P2 + " | - | 3-5 (3) |")
        .contains("| vitalflow-vitals | 2.0 s | 4.0 s |")
        .contains("was ready 30.0 s after its start");
    // records with their share, CPU per raw record: 3 s of CPU for 1000 records = 3 ms
    assertThat(md)
        .contains("| after | " + P1 + " | 1000 (50 %) | 900 (45 %) | 3.0 | 3.00 |")
        .contains("| after | " + P2 + " | 1000 (50 %) | 1100 (55 %) | 2.0 | 2.00 |")
        .contains("| before | " + P2 + " | - | - | - | - |");
    assertThat(md)
        .contains("| rebalance | 20.0 s | 2000 | 100.0 | 80 | 12 ms | 340 ms | 0 | 250 | 60 |");
    assertThat(md)
        .contains("Readings acknowledged: 6000; missing in `vital_reading`: 0; stored twice: 0.");
    assertThat(md).contains("3 over-counted (5 readings counted twice)");
    assertThat(ScaleOutReport.summary(result(0, 0, new long[7], true)))
        .startsWith("Scale-out scenario: PASSED")
        .contains("after " + P1 + " 3, " + P2 + " 3");
  }

  // ---- fixtures

  /** Processor-1 alone: two Streams threads and two sink consumers own all six partitions. */
  private static Snapshot before() {
    return snapshot(
        0,
        Map.of(
            STREAMS,
            List.of(streams("A", 1, 0, 1, 2), streams("A", 2, 3, 4, 5)),
            SINK,
            List.of(sink("m1", 0, 1, 2), sink("m2", 3, 4, 5))));
  }

  private static Snapshot snapshot(int second, Map<String, List<Member>> groups) {
    return new Snapshot(T0.plusSeconds(second), groups);
  }

  private static Member streams(String process, int thread, int... partitions) {
    return new Member(
        "member-" + process + thread + "-" + Arrays.toString(partitions),
        "vitalflow-vitals-" + process + "-StreamThread-" + thread + "-consumer",
        Map.of(RAW, set(partitions)));
  }

  private static Member sink(String member, int... partitions) {
    return new Member(
        member,
        "vitalflow-vitals-sink-readings-0",
        partitions.length == 0 ? Map.of() : Map.of(RAW, set(partitions)));
  }

  private static SortedSet<Integer> set(int... partitions) {
    SortedSet<Integer> set = new TreeSet<>();
    for (int p : partitions) {
      set.add(p);
    }
    return set;
  }

  private static ScaleOutReport.Result result(
      long missing, long duplicated, long[] aggregates, boolean newOwns) {
    Snapshot before = before();
    GroupAssignments assignments = new GroupAssignments(P1, P2, before);
    Snapshot end =
        snapshot(
            60,
            Map.of(
                STREAMS,
                newOwns
                    ? List.of(streams("A", 1, 0, 1, 2), streams("B", 1, 3, 4, 5))
                    : List.of(streams("A", 1, 0, 1, 2, 3, 4, 5), streams("B", 1)),
                SINK,
                List.of(sink("m1", 0, 1), sink("m2", 2), sink("m3", 3, 4), sink("m4", 5))));
    List<ScaleOutReport.Groups> groups =
        List.of(
            new ScaleOutReport.Groups(
                STREAMS,
                assignments.ownership(before, STREAMS),
                assignments.ownership(end, STREAMS)),
            new ScaleOutReport.Groups(
                SINK, assignments.ownership(before, SINK), assignments.ownership(end, SINK)));
    Map<String, Map<String, Double>> beforeMeasures =
        Map.of(
            P1,
            Map.of(ScaleOutReport.STREAMS_RECORDS, 2000.0, "sink readings", 2000.0, "CPU s", 5.0));
    Map<String, Map<String, Double>> afterMeasures =
        Map.of(
            P1,
            Map.of(ScaleOutReport.STREAMS_RECORDS, 1000.0, "sink readings", 900.0, "CPU s", 3.0),
            P2,
            Map.of(ScaleOutReport.STREAMS_RECORDS, 1000.0, "sink readings", 1100.0, "CPU s", 2.0));
    List<ScaleOutReport.Phase> phases =
        List.of(
            new ScaleOutReport.Phase(
                "before", Duration.ofSeconds(20), 2000, 90, 10, 40, 0, 30, 20, beforeMeasures),
            new ScaleOutReport.Phase(
                "rebalance", Duration.ofSeconds(20), 2000, 80, 12, 340, 0, 250, 60, afterMeasures),
            new ScaleOutReport.Phase(
                "after", Duration.ofSeconds(20), 2000, 95, 10, 45, 0, 30, 25, afterMeasures));
    return new ScaleOutReport.Result(
        "header",
        P1,
        P2,
        groups,
        Duration.ofSeconds(30),
        List.of(new ScaleOutReport.Timing(STREAMS, Duration.ofSeconds(2), Duration.ofSeconds(4))),
        phases,
        6000,
        missing,
        duplicated,
        aggregates,
        STREAMS,
        SINK);
  }
}
