package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPlatformTest {

  @Test
  void servicesAreNamedOnceEachAndUnknownNamesAreRefused() {
    assertThat(LocalPlatform.services("ingest, processor,ingest"))
        .containsExactly("ingest", "processor");
    assertThat(LocalPlatform.services(String.join(",", LocalPlatform.SERVICES)))
        .containsExactlyElementsOf(LocalPlatform.SERVICES);
    assertThatThrownBy(() -> LocalPlatform.services("ingest,gateway"))
        .hasMessage("--services: no service 'gateway' (known: processor, ingest, fhir, dashboard)");
  }

  @Test
  void anUnknownFlagIsRefusedWithOneLineAndExitTwoBeforeAnythingStarts() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LocalPlatform.class.getName(),
                "--kafak=broker:9092")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr.lines().toList())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("vitalflow: unknown flag --kafak")
        .contains("--kafka");
  }

  @Test
  void aDataDirectoryInUseByARunningLauncherIsRefusedAndAFreeOneClaimed(@TempDir Path dir)
      throws Exception {
    LocalPlatform.claim(dir);
    assertThat(Files.readString(dir.resolve("launcher.pid")).strip())
        .isEqualTo(Long.toString(ProcessHandle.current().pid()));

    // another launcher (a process whose command names LocalPlatform) owns it now
    // "; true": bash would otherwise exec sleep in its place, and the command line would lose the
    // class name
    Process other =
        new ProcessBuilder("bash", "-c", "sleep 60; true", LocalPlatform.class.getName()).start();
    try {
      Path cmdline = Path.of("/proc", Long.toString(other.pid()), "cmdline");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.readString(cmdline, StandardCharsets.UTF_8)
              .contains(LocalPlatform.class.getName())
          && System.nanoTime() < deadline) {
        Thread.sleep(20); // between fork and exec the child still shows this JVM's command line
      }
      Files.writeString(dir.resolve("launcher.pid"), other.pid() + "\n");
      assertThatThrownBy(() -> LocalPlatform.claim(dir))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "another ./vitalflow start (pid " + other.pid() + ") is running on " + dir);
    } finally {
      other.destroyForcibly();
      other.waitFor();
    }
    LocalPlatform.claim(dir);
  }
}
