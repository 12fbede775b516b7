package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.auth.AuthFiles;
import io.vitalflow.auth.LocalAuthServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * {@code ./vitalflow token} against a real authorization server on a data directory: only the token
 * on stdout, the flags reach the token request, one clear line and exit 2 without a server.
 */
class TokenCommandTest {

  @TempDir static Path dataDir;

  private static LocalAuthServer auth;
  private static NimbusJwtDecoder decoder;

  @BeforeAll
  static void start() {
    auth = LocalAuthServer.start(dataDir);
    decoder = NimbusJwtDecoder.withJwkSetUri(auth.jwksUri()).build();
  }

  @AfterAll
  static void stop() {
    auth.close();
  }

  @Test
  void printsOnlyTheTokenWithTheDefaultScope() throws Exception {
    Run run = run("token", "--data-dir=" + dataDir);

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.err).isEmpty();
    assertThat(run.out).endsWith("\n").doesNotContain(" ");
    assertThat(run.out.strip().lines()).hasSize(1);
    Jwt jwt = decoder.decode(run.out.strip());
    assertThat(jwt.getSubject()).isEqualTo("vitalflow-cli");
    assertThat(jwt.getClaimAsStringList("scope")).containsExactly("system/*.rs");
  }

  @Test
  void scopesAreRepeatableOrSpaceSeparatedAndReplaceTheDefault() throws Exception {
    Run run =
        run(
            "token",
            "--data-dir=" + dataDir,
            "--scope=patient/Observation.rs patient/Patient.r",
            "--scope",
            "vitalflow/ops");

    assertThat(decoder.decode(run.out.strip()).getClaimAsStringList("scope"))
        .containsExactlyInAnyOrder("patient/Observation.rs", "patient/Patient.r", "vitalflow/ops");
  }

  @Test
  void patientAndUserReachTheToken() throws Exception {
    Jwt patient =
        decoder.decode(
            run("token", "--data-dir=" + dataDir, "--patient=sim-1", "--scope=patient/*.rs")
                .out
                .strip());
    Jwt nurse =
        decoder.decode(
            run("token", "--data-dir=" + dataDir, "--user=nurse-a", "--scope=user/Observation.rs")
                .out
                .strip());

    assertThat(patient.getClaimAsString("patient")).isEqualTo("sim-1");
    assertThat(nurse.getSubject()).isEqualTo("nurse-a");
    assertThat(nurse.getClaimAsStringList("wards")).containsExactly("ward-a");
  }

  @Test
  void aRefusedRequestIsOneLineWithTheServersReasonAndExitTwo() throws Exception {
    Run run = run("token", "--data-dir=" + dataDir, "--user=nobody");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip())
        .startsWith("vitalflow token: token request refused: HTTP 400 invalid_request")
        .contains("no development user 'nobody'")
        .doesNotContain("\n");
  }

  @Test
  void withoutARunningPlatformItSaysSoInOneLineAndExitsTwo(@TempDir Path empty) throws Exception {
    Run none = run("token", "--data-dir=" + empty);

    assertThat(none.code).isEqualTo(2);
    assertThat(none.out).isEmpty();
    assertThat(none.err.strip())
        .isEqualTo(
            "vitalflow token: no VitalFlow platform is running on "
                + empty
                + " (start one with ./vitalflow start, or give --data-dir)");

    // a server that was killed leaves its URL behind: nothing answers there
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AuthFiles.write(empty.resolve("auth"), AuthFiles.URL, "http://127.0.0.1:" + closedPort);
    AuthFiles.write(empty.resolve("auth"), AuthFiles.CLI_SECRET, "secret");
    Run stale = run("token", "--data-dir=" + empty);

    assertThat(stale.code).isEqualTo(2);
    assertThat(stale.err.strip())
        .startsWith("vitalflow token: no VitalFlow platform is running on " + empty)
        .endsWith("(nothing answers at http://127.0.0.1:" + closedPort + ")")
        .doesNotContain("\n");
  }

  @Test
  void anUnknownFlagIsRefusedInOneLine() throws Exception {
    Run run = run("token", "--scopes=x");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.strip())
        .startsWith("vitalflow token: unknown flag --scopes")
        .endsWith("(./vitalflow token --help)");
  }

  private static Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Vitalflow.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
