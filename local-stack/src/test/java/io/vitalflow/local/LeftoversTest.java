package io.vitalflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker or database that an earlier launcher left running on a data directory (the launcher was
 * killed with SIGKILL, so it never stopped its children) is stopped before a new one starts there,
 * instead of being reached by chance. The earlier launcher is a real JVM here, killed the hard way.
 */
class LeftoversTest {

  @Test
  void aBrokerLeftByAKilledLauncherIsStoppedBeforeANewOneStarts(@TempDir Path dir)
      throws Exception {
    int port = FreePorts.next();
    long orphan = startAndKillLauncher("kafka", dir, port);
    assertThat(alive(orphan)).as("the killed launcher's broker outlived it").isTrue();

    try (LocalKafka next = LocalKafka.start(dir, port, "256m")) {
      assertThat(alive(orphan)).as("the leftover broker was stopped").isFalse();
      assertThat(next.isAlive()).isTrue();
    }
    assertThat(Files.exists(dir.resolve("broker.pid"))).as("removed on a clean stop").isFalse();
  }

  @Test
  void aDatabaseLeftByAKilledLauncherIsStoppedBeforeANewOneStarts(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("postgres");
    int port = FreePorts.next();
    long orphan = startAndKillLauncher("postgres", data, port);
    assertThat(alive(orphan)).as("the killed launcher's PostgreSQL outlived it").isTrue();

    try (LocalPostgres next = LocalPostgres.start(data, port)) {
      assertThat(alive(orphan)).as("the leftover PostgreSQL was stopped").isFalse();
      try (Connection connection = next.admin().dataSource().getConnection();
          ResultSet one = connection.createStatement().executeQuery("select 1")) {
        assertThat(one.next()).isTrue();
      }
    }
  }

  @Test
  void aStalePidFileOrAnotherProgramUnderThePidIsLeftAlone(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("broker.pid");
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    assertThat(Leftovers.stop(pidFile, "Kafka broker", "kafka.Kafka")).isEmpty();
    Files.writeString(pidFile, "999999999\n");
    assertThat(Leftovers.stop(pidFile, "Kafka broker", "kafka.Kafka")).isEmpty();
    Files.writeString(pidFile, "not a pid\n");
    assertThat(Leftovers.stop(pidFile, "Kafka broker", "kafka.Kafka")).isEmpty();
  }

  /**
   * Starts the server in a child JVM (a launcher), kills that JVM with SIGKILL; the server's pid.
   */
  private static long startAndKillLauncher(String kind, Path dir, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process launcher =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Launcher.class.getName(),
                kind,
                dir.toString(),
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    long serverPid = -1;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("READY ")) {
          serverPid = Long.parseLong(line.substring(6).strip());
          break;
        }
      }
      launcher.destroyForcibly();
      assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(serverPid).as("the launcher started its server").isPositive();
    return serverPid;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * A launcher that starts one server and waits to be killed; prints {@code READY <server pid>}.
   */
  public static final class Launcher {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[1]);
      int port = Integer.parseInt(args[2]);
      if (args[0].equals("kafka")) {
        LocalKafka.start(dir, port, "256m");
        System.out.println("READY " + Files.readAllLines(dir.resolve("broker.pid")).get(0).strip());
      } else {
        LocalPostgres.start(dir, port);
        System.out.println(
            "READY " + Files.readAllLines(dir.resolve("postmaster.pid")).get(0).strip());
      }
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
