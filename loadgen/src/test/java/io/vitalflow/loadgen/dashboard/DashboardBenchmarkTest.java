package io.vitalflow.loadgen.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.loadgen.TestArgs;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The generator against a real gateway and dashboard-push on the embedded stack: 50 clients
 * connect, stay a few seconds with pings while readings flow, and the report says so. A test of the
 * generator, not of the server's performance.
 */
class DashboardBenchmarkTest {

  private static ConfigurableApplicationContext dashboard;
  private static ConfigurableApplicationContext gateway;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("dashload");
    gateway =
        IngestGatewayApplication.builder()
            .run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.ingest.topic-prefix=" + prefix);
    dashboard =
        DashboardPushApplication.builder()
            .run(
                "--server.port=0",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.user(),
                "--spring.r2dbc.password=" + database.password(),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                "--vitalflow.dashboard.topic-prefix=" + prefix,
                "--vitalflow.dashboard.vital-throttle=100ms",
                "--vitalflow.dashboard.heartbeat-interval=5s");
  }

  @AfterAll
  static void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  @Test
  void fiftyClientsHoldReceiveFramesAndMeasureReadingToFrame() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
    DashboardOptions options =
        DashboardCommand.parse(
            TestArgs.of(
                Map.ofEntries(
                    Map.entry("dashboard-url", "ws://127.0.0.1:" + port(dashboard)),
                    Map.entry("ingest-url", "http://127.0.0.1:" + port(gateway)),
                    Map.entry("connections", "50"),
                    Map.entry("ramp", "200"),
                    Map.entry("duration", "6s"),
                    Map.entry("patients", "10"),
                    Map.entry("patients-per-client", "2"),
                    Map.entry("readings-rate", "50"),
                    Map.entry("heartbeat", "1s"),
                    Map.entry("source-addresses", "127.0.0.1,127.0.0.2"),
                    Map.entry("settle", "500ms"),
                    Map.entry("progress", "1s"),
                    Map.entry("server-pid", Long.toString(ProcessHandle.current().pid())))));

    DashboardBenchmark.Result result = new DashboardBenchmark(options, out).run();
    String report = text.toString(StandardCharsets.UTF_8);

    assertThat(result.passed()).as(report).isTrue();
    assertThat(result.held()).isEqualTo(50);
    assertThat(result.failed()).isZero();
    assertThat(result.steadyByType().get("vital")).as(report).isPositive();
    // answers to the pings (one per client and second), plus the server's own every 5 s
    assertThat(result.steadyByType().get("heartbeat")).as(report).isGreaterThanOrEqualTo(100);
    assertThat(result.steadyByType().get("error")).as(report).isZero();
    assertThat(result.readingsAccepted()).as(report).isPositive();
    assertThat(result.latency().matched()).as(report).isPositive();
    assertThat(result.latency().acceptedToFrameMicros().getTotalCount())
        .isEqualTo(result.latency().matched());
    assertThat(result.heapPerConnection()).as(report).isNotNaN();
    assertThat(result.rssPerConnection()).as(report).isNotNaN();
    assertThat(report)
        .contains(
            "== live dashboards ==",
            "connections        attempted 50  held 50  failed 0",
            "server heap ",
            "server RSS ",
            "frames (",
            "vital",
            "heartbeat",
            "accepted->frame",
            "p99.9",
            "result             PASSED");
  }
}
