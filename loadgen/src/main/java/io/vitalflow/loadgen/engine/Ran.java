package io.vitalflow.loadgen.engine;

import io.vitalflow.loadgen.report.RunReport;
import java.nio.file.Path;

/**
 * A finished scenario run as the command line sees it: its report, where the report goes, and
 * whether the run met its goals (exit code 0) or not (1).
 */
public record Ran(RunReport report, Path reportDir, boolean passed) {}
