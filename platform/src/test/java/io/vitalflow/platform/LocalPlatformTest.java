package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LocalPlatformTest {

  @Test
  void servicesAreNamedOnceEachAndUnknownNamesAreRefused() {
    assertThat(LocalPlatform.services("ingest, processor,ingest")).containsExactly("ingest", "processor");
    assertThat(LocalPlatform.services(String.join(",", LocalPlatform.SERVICES)))
        .containsExactlyElementsOf(LocalPlatform.SERVICES);
    assertThatThrownBy(() -> LocalPlatform.services("ingest,gateway"))
        .hasMessage("--services: no service 'gateway' (known: processor, ingest, fhir, dashboard)");
  }

  @Test
  void anUnknownFlagIsRefusedWithOneLineAndExitTwoBeforeAnythingStarts() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LocalPlatform.class.getName(), "--kafak=broker:9092").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr.lines().toList()).hasSize(1).first().asString().startsWith("vitalflow: unknown flag --kafak")
        .contains("--kafka");
  }
}
