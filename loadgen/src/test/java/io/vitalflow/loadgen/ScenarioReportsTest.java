package io.vitalflow.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.dashboard.DashboardBenchmark;
import io.vitalflow.loadgen.dashboard.DashboardCommand;
import io.vitalflow.loadgen.dashboard.DashboardReport;
import io.vitalflow.loadgen.dashboard.ReadingLatency;
import io.vitalflow.loadgen.dashboard.ServerMemory;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import io.vitalflow.loadgen.report.RunReport.TimelinePoint;
import io.vitalflow.loadgen.vitals.VitalsBenchmark;
import io.vitalflow.loadgen.vitals.VitalsCommand;
import io.vitalflow.loadgen.vitals.VitalsOptions;
import io.vitalflow.loadgen.vitals.VitalsReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The vitals and dashboard results as RunReports: counts carried over, the replaced report's
 * figures alongside.
 */
class ScenarioReportsTest {

  @Test
  void vitalsReportHasTheRequestLatencyAsAnOperationAndStoredResults() {
    Histogram latency = new Histogram(3);
    latency.recordValueWithCount(12_000, 99);
    latency.recordValue(80_000);
    VitalsBenchmark.Result result =
        new VitalsBenchmark.Result(
            60_000,
            49_500,
            1,
            4_950.0,
            latency,
            49_500,
            4_900.0,
            120,
            480,
            900,
            Instant.parse("2026-01-01T00:00:00Z"),
            10.0,
            List.of(new TimelinePoint(1, 5000, 0, 12, 12, 3)));
    VitalsOptions options = VitalsCommand.parse("--batch=500", "--rate=6000", "--duration=10s");

    RunReport report = VitalsReport.of(result, options);

    OperationSummary post = report.operations().get(0);
    assertThat(post.count()).isEqualTo(100);
    assertThat(post.errors()).isEqualTo(1);
    assertThat(post.perSecond()).isEqualTo(10.0);
    assertThat(post.millisAt(99)).isEqualTo(12.0, org.assertj.core.api.Assertions.within(0.1));
    assertThat(report.timeline()).hasSize(1);
    assertThat(report.passed()).isTrue();
    assertThat(report.results())
        .extracting(RunReport.Result::name)
        .contains("stored rows", "accepted->stored");
    assertThat(report.comparisons())
        .extracting(RunReport.Comparison::replaced)
        .contains("4,110 tps (write_vitals, Scenario 3)");
  }

  @Test
  void vitalsReportFailsWhenNotEveryAcceptedReadingWasStored() {
    VitalsBenchmark.Result result =
        new VitalsBenchmark.Result(
            1000, 1000, 0, 100, new Histogram(3), 999, 99, 1, 2, 3, Instant.now(), 10, List.of());

    assertThat(VitalsReport.of(result, VitalsCommand.parse("--batch=10")).passed()).isFalse();
  }

  @Test
  void dashboardReportComparesWithScenario2() {
    Histogram connect = new Histogram(3);
    connect.recordValueWithCount(3_000, 95);
    Map<String, Long> steady = new java.util.LinkedHashMap<>();
    steady.put("vital", 600L);
    steady.put("pong", 0L);
    DashboardBenchmark.Result result =
        new DashboardBenchmark.Result(
            100,
            95,
            5,
            Map.of("timeout", 5L),
            0,
            60.0,
            600,
            steady,
            new ReadingLatency(),
            0,
            0,
            0,
            new ServerMemory.Sample(100_000_000, -1, true),
            new ServerMemory.Sample(101_900_000, -1, true),
            95,
            connect,
            0.5,
            Instant.now(),
            List.of(new TimelinePoint(5, 10, 5, 0, 0, 95)));

    RunReport report = DashboardReport.of(result, DashboardCommand.parse("--connections=100"));

    assertThat(report.passed()).isFalse();
    OperationSummary connects = report.operations().get(0);
    assertThat(connects.count()).isEqualTo(100);
    assertThat(connects.errors()).isEqualTo(5);
    assertThat(connects.errorKinds()).containsEntry("timeout", 5L);
    assertThat(report.results())
        .anySatisfy(
            r -> {
              assertThat(r.name()).isEqualTo("server heap per connection");
              assertThat(r.value()).isEqualTo("20.0 KB");
            });
    assertThat(report.results())
        .extracting(RunReport.Result::name)
        .contains("frames: vital")
        .doesNotContain("frames: pong");
    assertThat(report.comparisons())
        .extracting(RunReport.Comparison::replaced)
        .contains("2,143,000 (peak, one 16 GB server)", "2.3 KB (BEAM process)", "18 ms / 67 ms");
    assertThat(report.timeline()).hasSize(1);
  }

  @Test
  void aHeapThatShrankBetweenTheSamplesIsNotReportedAsASize() {
    assertThat(DashboardReport.bytes(3_800)).isEqualTo("3.8 KB");
    assertThat(DashboardReport.bytes(-9_100)).startsWith("not measurable");
    assertThat(DashboardReport.bytes(Double.NaN)).isEqualTo("n/a");
  }
}
