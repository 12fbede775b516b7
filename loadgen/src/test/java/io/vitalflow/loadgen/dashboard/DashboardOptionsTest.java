package io.vitalflow.loadgen.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.Loadgen;
import io.vitalflow.loadgen.TestArgs;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardOptionsTest {

  @Test
  void defaults() {
    DashboardOptions options = DashboardCommand.parse();
    assertThat(options.dashboardUrls()).containsExactly(URI.create("ws://127.0.0.1:8084"));
    assertThat(options.connections()).isEqualTo(1000);
    assertThat(options.ramp()).isEqualTo(500);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(options.readingsRate()).isZero();
    assertThat(options.ingestUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(options.sourceAddresses()).isEmpty();
    assertThat(options.serverPids()).isEmpty();
    assertThat(options.ward()).isNull();
  }

  @Test
  void allFlags() {
    DashboardOptions options =
        DashboardCommand.parse(
            TestArgs.of(
                Map.ofEntries(
                    Map.entry("dashboard-url", "ws://127.0.0.1:8084/, ws://127.0.0.1:8085"),
                    Map.entry("connections", "19_000"),
                    Map.entry("ramp", "2000"),
                    Map.entry("duration", "2m"),
                    Map.entry("patients", "50"),
                    Map.entry("patients-per-client", "5"),
                    Map.entry("readings-rate", "1000"),
                    Map.entry("ingest-url", "http://localhost:9081/"),
                    Map.entry("source-addresses", "127.0.0.2,127.0.0.3"),
                    Map.entry("heartbeat", "5s"),
                    Map.entry("server-pid", "12,34"),
                    Map.entry("latency-every", "10"),
                    Map.entry("settle", "0s"),
                    Map.entry("progress", "1s"))));
    assertThat(options.dashboardUrls())
        .containsExactly(URI.create("ws://127.0.0.1:8084"), URI.create("ws://127.0.0.1:8085"));
    assertThat(options.connections()).isEqualTo(19_000);
    assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.ingestUrl()).isEqualTo(URI.create("http://localhost:9081"));
    assertThat(options.sourceAddresses())
        .extracting(a -> a.getHostAddress())
        .containsExactly("127.0.0.2", "127.0.0.3");
    assertThat(options.serverPids()).containsExactly(12L, 34L);
    assertThat(options.latencyEvery()).isEqualTo(10);
    assertThat(options.connectionUri(1))
        .isEqualTo(
            URI.create(
                "ws://127.0.0.1:8085/api/v1/dashboard/ws?patients=lgd-5,lgd-6,lgd-7,lgd-8,lgd-9"));
  }

  @Test
  void wardSubscription() {
    DashboardOptions options = DashboardCommand.parse("--ward=icu-3", "--patients=20");
    assertThat(options.connectionUri(7))
        .isEqualTo(URI.create("ws://127.0.0.1:8084/api/v1/dashboard/ws?ward=icu-3"));
  }

  @Test
  void badFlagsAreOneLineErrorsNamingTheFlag() {
    assertError(
        Map.of("dashboard-url", "http://127.0.0.1:8084"),
        "--dashboard-url must be ws:// or wss://");
    assertError(Map.of("dashboard-url", "ws://a b"), "--dashboard-url: not a URL");
    assertError(Map.of("connections", "0"), "--connections must be at least 1");
    assertError(Map.of("connections", "many"), "--connections must be a whole number");
    assertError(Map.of("ramp", "-1"), "--ramp must be at least 1");
    assertError(Map.of("duration", "soon"), "--duration must be a duration");
    assertError(Map.of("patients", "5", "patients-per-client", "6"), "must not exceed --patients");
    assertError(Map.of("patients", "1000", "patients-per-client", "501"), "at most 500");
    assertError(Map.of("ward", "no/slash"), "--ward must be");
    assertError(Map.of("source-addresses", "localhost"), "--source-addresses must be IP literals");
    assertError(Map.of("server-pid", "x"), "--server-pid must be a whole number");
    assertError(Map.of("ingest-url", "ftp://x"), "--ingest-url must be an http(s) URL");
    assertError(Map.of("heartbeat", "0s"), "--heartbeat must be longer than 0");
    assertError(Map.of("conections", "5"), "unknown flag --conections");
  }

  private static void assertError(Map<String, String> flags, String message) {
    assertThatThrownBy(() -> DashboardCommand.parse(TestArgs.of(new HashMap<>(flags))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void connectionsSpreadEvenlyOverUrlsAndSourceAddresses() {
    int urls = 3;
    int sources = 4;
    int[][] pairs = new int[urls][sources];
    for (int i = 0; i < 1200; i++) {
      pairs[DashboardOptions.urlIndex(i, urls)][DashboardOptions.sourceIndex(i, urls, sources)]++;
    }
    for (int[] perUrl : pairs) {
      for (int n : perUrl) {
        assertThat(n).isEqualTo(100);
      }
    }
    // two URLs and two sources: every combination is used, not only the diagonal
    assertThat(
            List.of(0, 1, 2, 3).stream()
                .map(
                    i ->
                        DashboardOptions.urlIndex(i, 2)
                            + "/"
                            + DashboardOptions.sourceIndex(i, 2, 2))
                .toList())
        .containsExactly("0/0", "1/0", "0/1", "1/1");
  }

  @Test
  void patientsAreWatchedEvenly() {
    int[] seen = new int[10];
    for (int client = 0; client < 20; client++) {
      for (int p : DashboardOptions.watched(client, 3, 10)) {
        seen[p]++;
      }
    }
    assertThat(seen).containsOnly(6);
    assertThat(DashboardOptions.watched(3, 3, 10)).containsExactly(9, 0, 1);
  }

  @Test
  void httpBaseOfAWebSocketUrl() {
    assertThat(DashboardOptions.httpBase(URI.create("ws://127.0.0.1:8084")))
        .isEqualTo(URI.create("http://127.0.0.1:8084"));
    assertThat(DashboardOptions.httpBase(URI.create("wss://h:443")))
        .isEqualTo(URI.create("https://h:443"));
  }

  @Test
  void loadgenRejectsBadFlagsWithOneLineAndExitCode2() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    var out = new java.io.ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {"dashboard", "--connections=zero"},
            new java.io.PrintStream(out),
            new java.io.PrintStream(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .doesNotContain("\n")
        .startsWith("loadgen dashboard: --connections");
  }

  @Test
  void unreachableServerIsOneLineAndExitCode2() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    int code =
        Loadgen.run(
            new String[] {"dashboard", "--dashboard-url=ws://127.0.0.1:1", "--connections=1"},
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .doesNotContain("\n")
        .contains("cannot reach --dashboard-url");
  }
}
