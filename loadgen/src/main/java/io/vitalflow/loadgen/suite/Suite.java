package io.vitalflow.loadgen.suite;

import io.vitalflow.loadgen.cli.Cli;
import io.vitalflow.loadgen.engine.Ran;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.report.Reports;
import io.vitalflow.loadgen.report.RunReport;
import io.vitalflow.loadgen.report.SuiteReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code loadgen suite}: the whole benchmark report in one command. Runs the chosen scenarios one
 * after the other against one deployment, writes each run's report and then one suite report over
 * all of them. A scenario that cannot run (its target unreachable) is reported and the suite goes
 * on.
 */
public final class Suite {

  private final SuiteOptions options;
  private final PrintStream out;

  Suite(SuiteOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** True when every scenario ran and met its goals. */
  public boolean run() throws Exception {
    List<RunReport> reports = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    int number = 0;
    for (Map.Entry<String, Map<String, String>> run : options.runs()) {
      number++;
      String scenario = run.getKey();
      out.printf(
          Locale.ROOT,
          "%n=== suite %d/%d: %s %s%n",
          number,
          options.runs().size(),
          scenario,
          render(run.getValue()));
      try {
        Ran ran =
            Cli.parse(SuiteOptions.SCENARIOS.get(scenario).get(), SuiteOptions.args(run.getValue()))
                .run(out);
        Reports.write(ran.report(), ran.reportDir(), out);
        reports.add(ran.report());
        if (!ran.passed()) {
          failed.add(scenario);
        }
      } catch (ScenarioException e) {
        out.printf(Locale.ROOT, "suite: %s could not run: %s%n", scenario, e.getMessage());
        failed.add(scenario + " (did not run: " + e.getMessage() + ")");
      }
    }
    if (!reports.isEmpty()) {
      SuiteReport.write(reports, options.reportDir(), out);
    }
    out.println(
        failed.isEmpty()
            ? "suite: every scenario met its goals"
            : "suite: not met: " + String.join("; ", failed));
    return failed.isEmpty();
  }

  private static String render(Map<String, String> flags) {
    StringBuilder text = new StringBuilder();
    flags.forEach((name, value) -> text.append(" --").append(name).append('=').append(value));
    return text.toString().strip();
  }
}
