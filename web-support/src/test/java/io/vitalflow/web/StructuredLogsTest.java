package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Structured JSON logs as an option (docs/deployment.md, "Logs as JSON"): a service started with
 * {@code logging.structured.format.console=ecs} prints one JSON object per line, with the trace and
 * span ids of the log call's context (Micrometer Tracing puts them in the MDC), and each line stays
 * bounded like the plain ones; without the setting the lines are the bounded plain pattern.
 *
 * <p>The JSON service runs in a JVM of its own: Spring Boot hands the format to Logback through
 * JVM-wide state, so every later application of this JVM would log JSON too.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsTest {

  private static final Logger LOG = LoggerFactory.getLogger(StructuredLogsTest.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The service of the JSON case: starts, logs a long line and a failure with a trace context. */
  public static final class JsonService {
    public static void main(String[] args) {
      try (ConfigurableApplicationContext context = LimitsTestApp.start(args)) {
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        LOG.info("structured {} on {}", "x".repeat(5000), context.getId());
        LOG.warn("failed", new IllegalStateException("boom"));
        MDC.clear();
      }
    }
  }

  @Test
  void withTheSettingEveryLineIsJsonWithTraceIdsAndBounded(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dvitalflow.security.enabled=false",
                "-Dvitalflow.audit.enabled=false",
                JsonService.class.getName(),
                "--logging.structured.format.console=ecs")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the service stops").isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();

    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSizeGreaterThan(3);
    JsonNode ours = null;
    JsonNode failure = null;
    for (String line : lines) {
      assertThat(line).as("every line is one JSON object").startsWith("{").endsWith("}");
      assertThat(line.length()).as("bounded").isLessThan(16_000);
      JsonNode node = JSON.readTree(line);
      assertThat(node.has("@timestamp")).isTrue();
      String message = node.path("message").asString();
      if (message.startsWith("structured ")) {
        ours = node;
      } else if (message.equals("failed")) {
        failure = node;
      }
    }
    assertThat(ours).as("the long line").isNotNull();
    assertThat(ours.path("log").path("level").asString()).isEqualTo("INFO");
    assertThat(ours.path("traceId").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(ours.path("spanId").asString()).isEqualTo("00f067aa0ba902b7");
    assertThat(ours.path("message").asString())
        .hasSize(BoundedJsonLogLines.MAX_TEXT + 1)
        .endsWith("…");
    assertThat(failure).as("the line with a stack trace").isNotNull();
    assertThat(failure.path("error").path("type").asString())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(failure.path("error").path("stack_trace").asString()).contains("boom");
  }

  @Test
  void withoutItTheLinesAreTheBoundedPlainPattern(CapturedOutput output) {
    try (ConfigurableApplicationContext context = LimitsTestApp.start()) {
      LOG.info("plain {} on {}", "y".repeat(5000), context.getId());
    }
    String line =
        output.getOut().lines().filter(l -> l.contains("plain yyy")).findFirst().orElseThrow();
    assertThat(line).doesNotStartWith("{").contains(" INFO ");
    assertThat(line.length()).isLessThan(2200);
  }
}
