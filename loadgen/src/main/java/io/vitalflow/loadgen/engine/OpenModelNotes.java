package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport;
import java.util.List;
import java.util.Locale;

/**
 * What an open-model run adds to a report: arrivals that had to wait for a slot, or never started.
 */
public final class OpenModelNotes {

  private OpenModelNotes() {}

  public static void add(LoadResult load, List<RunReport.Result> results, List<String> notes) {
    if (load.lateStarts() > 0 || load.notStarted() > 0) {
      results.add(
          new RunReport.Result(
              "arrivals started late",
              String.format(
                  Locale.ROOT, "%,d (their wait is in their latency)", load.lateStarts())));
      results.add(
          new RunReport.Result(
              "arrivals never started", String.format(Locale.ROOT, "%,d", load.notStarted())));
    }
    if (load.notStarted() > 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "The server fell behind the arrival rate: %,d arrivals were still waiting"
                  + " for a free slot when the stages ended. Lower --rates or raise --max-in-flight.",
              load.notStarted()));
    }
  }
}
