package io.vitalflow.loadgen.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.dashboard.DashboardPushApplication;
import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.PostgresCoordinates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard scenario against a gateway and dashboard-push with security on, trusting the real
 * local authorization server: with the tokens it obtains itself (the backend client's key of the
 * server's data directory) its WebSocket handshakes, readings and heap samples are served; without
 * ({@code --no-auth}) they are refused with 401.
 */
class DashboardSecurityTest {

  private static final LocalAuthServer auth = LocalAuthServer.shared();
  private static ConfigurableApplicationContext dashboard;
  private static ConfigurableApplicationContext gateway;

  @BeforeAll
  static void start() {
    LocalStack stack = LocalStack.shared();
    String prefix = stack.freshTopicPrefix();
    PostgresCoordinates database = stack.freshDatabase("dashsec");
    gateway =
        IngestGatewayApplication.builder()
            .run(
                with(
                    "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                    "--vitalflow.ingest.topic-prefix=" + prefix,
                    "--vitalflow.ingest.devices.vitalflow-backend=*"));
    dashboard =
        DashboardPushApplication.builder()
            .run(
                with(
                    "--server.port=0",
                    "--spring.r2dbc.url=" + database.r2dbcUrl(),
                    "--spring.r2dbc.username=" + database.user(),
                    "--spring.r2dbc.password=" + database.password(),
                    "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrap(),
                    "--vitalflow.dashboard.topic-prefix=" + prefix,
                    "--vitalflow.dashboard.vital-throttle=100ms"));
  }

  private static String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(auth.serviceArgs()));
    return all.toArray(String[]::new);
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

  private static DashboardOptions options(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--dashboard-url=ws://127.0.0.1:" + port(dashboard),
                "--ingest-url=http://127.0.0.1:" + port(gateway),
                "--connections=10",
                "--ramp=100",
                "--duration=3s",
                "--patients=4",
                "--patients-per-client=2",
                "--readings-rate=20",
                "--heartbeat=1s",
                "--settle=200ms",
                "--progress=1s"));
    args.addAll(List.of(more));
    return DashboardCommand.parse(args.toArray(String[]::new));
  }

  @Test
  void withItsOwnTokensEveryConnectionReadingAndHeapSampleIsServed() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    DashboardBenchmark.Result result =
        new DashboardBenchmark(options("--data-dir=" + auth.dataDir()), out).run();
    String report = text.toString(StandardCharsets.UTF_8);

    assertThat(report)
        .contains(
            "auth: tokens of vitalflow-backend (private_key_jwt, SMART Backend Services)",
            "scope system/Observation.rs system/Observation.c vitalflow/ops");
    assertThat(result.passed()).as(report).isTrue();
    assertThat(result.held()).isEqualTo(10);
    assertThat(result.readingsAccepted()).as(report).isPositive();
    assertThat(result.readingBatchesFailed()).as(report).isZero();
    // the heap comes from /actuator/metrics, which needs vitalflow/ops
    assertThat(result.heapPerConnection()).as(report).isNotNaN();
  }

  @Test
  void withoutATokenReadingsAndHeapSamplesAreRefused() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    DashboardBenchmark.Result result = new DashboardBenchmark(options("--no-auth"), out).run();
    String report = text.toString(StandardCharsets.UTF_8);

    assertThat(report).contains("auth: no token (--no-auth)", "(HTTP 401)");
    assertThat(result.readingsAccepted()).as(report).isZero();
    assertThat(result.readingBatchesFailed()).as(report).isPositive();
    assertThat(result.heapPerConnection()).as(report).isNaN();
  }

  @Test
  void withoutATokenTheWebSocketHandshakeIsRefused() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    DashboardBenchmark.Result result = new DashboardBenchmark(options("--no-auth"), out).run();
    String report = text.toString(StandardCharsets.UTF_8);

    assertThat(result.passed()).as(report).isFalse();
    assertThat(result.held()).as(report).isZero();
    assertThat(result.failures().keySet()).as(report).anyMatch(kind -> kind.contains("401"));
  }
}
