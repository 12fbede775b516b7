package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.RunReport.OperationSummary;
import java.time.Duration;
import java.util.List;

/**
 * What {@link LoadRunner} measured.
 *
 * @param operations one summary per operation seen, then {@link RunReport#ALL} over all of them
 * @param timeline one point per progress interval
 * @param peakConcurrency most virtual users (closed) or iterations in flight (open) at once
 * @param lateStarts open model: arrivals that started later than intended because {@code
 *     maxInFlight} were open (their wait is in their latency)
 * @param notStarted open model: arrivals intended before the end that never started because {@code
 *     maxInFlight} iterations were still open when the stages ended; a server this far behind has
 *     failed the rate
 */
public record LoadResult(
    Duration elapsed,
    List<OperationSummary> operations,
    List<RunReport.TimelinePoint> timeline,
    long peakConcurrency,
    long lateStarts,
    long notStarted) {

  public LoadResult {
    operations = List.copyOf(operations);
    timeline = List.copyOf(timeline);
  }

  /** The summary over all operations. */
  public OperationSummary all() {
    return operations.stream()
        .filter(o -> o.name().equals(RunReport.ALL))
        .findFirst()
        .orElseThrow();
  }
}
