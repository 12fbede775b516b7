package io.vitalflow.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers a killed launcher left running. {@code ./vitalflow start} runs the broker and PostgreSQL
 * as child processes; after a SIGKILL of the launcher they keep running, and a next start would
 * find their ports taken or, worse, reach them by chance. Each child's pid is kept in its data
 * directory (the broker's in {@code broker.pid}, PostgreSQL's own {@code postmaster.pid}); on the
 * next start a process still running under that pid, with the expected command, is stopped first
 * (gently, then forcibly after 30 s) and a log line says so.
 */
public final class Leftovers {

  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /**
   * Stops the process named in the first line of {@code pidFile} if it is alive and its command
   * line contains {@code marker}; returns its pid, if one was stopped. A stale file (no such
   * process, or another program that got the pid since) is left alone.
   */
  public static Optional<Long> stop(Path pidFile, String what, String marker) {
    Optional<ProcessHandle> process = running(pidFile, marker);
    if (process.isEmpty()) {
      return Optional.empty();
    }
    ProcessHandle handle = process.get();
    log.warn(
        "Stopping the {} an earlier launcher left running (pid {}, named in {}) before starting a new one",
        what,
        handle.pid(),
        pidFile);
    handle.destroy();
    if (!await(handle, 30)) {
      log.warn("The leftover {} (pid {}) did not stop within 30 s; killing it", what, handle.pid());
      handle.destroyForcibly();
      await(handle, 30);
    }
    return Optional.of(handle.pid());
  }

  /** Writes {@code pid} as the first line of {@code pidFile}. */
  public static void record(Path pidFile, long pid) {
    try {
      Files.writeString(pidFile, pid + "\n");
    } catch (IOException e) {
      log.warn(
          "Cannot write {}: a leftover process would not be recognised on the next start", pidFile);
    }
  }

  /**
   * The process named in {@code pidFile}, if it is alive, is not this one and its command contains
   * {@code marker}.
   */
  public static Optional<ProcessHandle> running(Path pidFile, String marker) {
    if (!Files.isReadable(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (pid == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(handle -> commandLine(handle).contains(marker));
  }

  /**
   * The command line; on Linux from /proc, since ProcessHandle.Info leaves out long ones (a JVM's
   * class path).
   */
  private static String commandLine(ProcessHandle handle) {
    Path proc = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
    try {
      if (Files.isReadable(proc)) {
        return new String(Files.readAllBytes(proc), java.nio.charset.StandardCharsets.UTF_8)
            .replace('\0', ' ');
      }
    } catch (IOException e) {
      // gone meanwhile, or not ours to read
    }
    ProcessHandle.Info info = handle.info();
    return info.commandLine().or(info::command).orElse("");
  }

  private static boolean await(ProcessHandle handle, int seconds) {
    try {
      handle.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return !handle.isAlive();
    }
  }
}
