package io.vitalflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Structured JSON logs as an option (docs/deployment.md, "Logs"): a service started with {@code
 * logging.structured.format.console=ecs} prints one JSON object per line, with the trace and span
 * ids of the log call's context (Micrometer Tracing puts them in the MDC), and each line stays
 * bounded like the plain ones; without the setting the lines are the bounded plain pattern.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(
    MethodOrderer.OrderAnnotation.class) // the plain one last: it leaves logging as it was
class StructuredLogsTest {

  private static final Logger LOG = LoggerFactory.getLogger(StructuredLogsTest.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  @Order(1)
  void withTheSettingEveryLineIsJsonWithTraceIdsAndBounded(CapturedOutput output) {
    try (ConfigurableApplicationContext context =
        LimitsTestApp.start("--logging.structured.format.console=ecs")) {
      assertThat(context.isRunning()).isTrue();
      MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
      MDC.put("spanId", "00f067aa0ba902b7");
      try {
        LOG.info("structured {}", "x".repeat(5000));
        LOG.warn("failed", new IllegalStateException("boom"));
      } finally {
        MDC.clear();
      }
    }
    List<String> lines = output.getOut().lines().filter(l -> !l.isBlank()).toList();
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
  @Order(2)
  void withoutItTheLinesAreTheBoundedPlainPattern(CapturedOutput output) {
    try (ConfigurableApplicationContext context = LimitsTestApp.start()) {
      assertThat(context.isRunning()).isTrue();
      LOG.info("plain {}", "y".repeat(5000));
    }
    String line =
        output.getOut().lines().filter(l -> l.contains("plain yyy")).findFirst().orElseThrow();
    assertThat(line).doesNotStartWith("{").contains(" INFO ");
    assertThat(line.length()).isLessThan(2200);
  }
}
