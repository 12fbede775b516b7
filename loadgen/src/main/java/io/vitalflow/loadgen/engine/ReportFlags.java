package io.vitalflow.loadgen.engine;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --progress} and {@code --report-dir}, the same in every scenario that prints progress
 * lines and writes a report, as a picocli mixin.
 */
public final class ReportFlags {

  @Option(
      names = "--progress",
      defaultValue = "5s",
      description = "Interval of the progress lines.")
  String progress;

  @Option(
      names = "--report-dir",
      defaultValue = "loadgen-reports",
      description = "Where the reports go.")
  String reportDir;

  /** {@code --progress}, checked. */
  public Duration progress() {
    return FlagValues.positiveDuration("--progress", progress);
  }

  /** {@code --report-dir}, checked. */
  public Path reportDir() {
    return FlagValues.directory("--report-dir", reportDir);
  }

  /** Both flags as given, for a scenario that passes them on to another (e.g. stress to fhir). */
  public String[] asArgs() {
    return new String[] {"--progress=" + progress, "--report-dir=" + reportDir};
  }
}
