package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.loadgen.Loadgen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, "one bad client must never take VitalFlow down": {@code loadgen abuse} for 20 s against
 * the real stack (broker, PostgreSQL, every service in this JVM) with slowloris, slow bodies, a
 * connection flood and the poison writes beside normal traffic. It must pass all its checks: the
 * normal traffic kept its acknowledgements and a p99 under 5 s, every acknowledged reading and
 * created Patient is readable (each reading once), every poison write got a 4xx (or was stored
 * correctly; a 5xx only as 503 with Retry-After), the server ended slowloris connections and slow
 * bodies within 15 s (the head timeout is 10 s from the first byte; 5 s spare for a loaded 2-core
 * machine), and every service answered UP again afterwards and served a normal request.
 *
 * <p>The attack sockets come from 127.0.0.2 (the scenario's default on loopback), the normal
 * traffic from 127.0.0.1, so the per-address limits see two clients. The connection counts are
 * small because the generator shares this JVM's file descriptors with the services (each loopback
 * connection costs two here).
 */
class LoadgenAbuseTest {

  /**
   * The whole-request timeout, shortened from its documented 60 s only for this test so that a 20 s
   * run sees a slow body cut; services read it at start, so it is set while they start and cleared
   * afterwards.
   */
  private static final String REQUEST_TIMEOUT = "vitalflow.http.request-timeout";

  private static RunningServices services;

  @TempDir Path reports;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty(REQUEST_TIMEOUT, "8s");
    try {
      services = new RunningServices("abuse").startAll().startDashboard();
    } finally {
      System.clearProperty(REQUEST_TIMEOUT);
    }
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  @Test
  void oneBadClientDoesNotTakeThePlatformDown() throws Exception {
    String fhirBase = "http://127.0.0.1:" + services.fhirPort;
    List<String> args =
        List.of(
            "abuse",
            "--ingest-url=http://127.0.0.1:" + services.ingestPort,
            "--fhir-url=" + fhirBase + "/fhir",
            "--api-url=" + fhirBase,
            "--processor-url=http://127.0.0.1:" + services.processorPort,
            "--dashboard-url=http://127.0.0.1:" + services.dashboardPort,
            "--duration=20s",
            "--slowloris=50",
            "--slow-bodies=20",
            "--flood=300",
            "--flood-ramp=300",
            "--flood-hold=5s",
            "--poison-rate=2",
            "--rate=10",
            "--patients=10",
            "--p99=5s",
            "--max-error-rate=1%",
            "--header-within=15s",
            "--body-within=15s",
            "--recovery-timeout=60s",
            "--verify-timeout=60s",
            "--progress=5s",
            "--report-dir=" + reports,
            // tokens of the backend client, from the authorization server the services trust
            "--data-dir=" + services.auth.dataDir());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int code = Loadgen.run(args.toArray(String[]::new), out, out);

    String report = markdown();
    assertThat(code)
        .as(
            "exit code; the report:%n%s%nconsole:%n%s",
            report, bytes.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(report)
        .contains(
            "slowloris: ended by the server",
            "slow bodies: ended by the server",
            "connection flood: connections",
            "poison fhir-long-family-name: answers",
            "**Verdict:** PASS");
  }

  private String markdown() throws IOException {
    try (Stream<Path> files = Files.list(reports)) {
      List<Path> md =
          files
              .filter(
                  p ->
                      p.getFileName().toString().startsWith("abuse-")
                          && p.getFileName().toString().endsWith(".md"))
              .toList();
      return md.isEmpty() ? "(no report written)" : Files.readString(md.get(0));
    }
  }
}
