package io.vitalflow.loadgen.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.auth.AuthFiles;
import io.vitalflow.auth.LocalAuthServer;
import io.vitalflow.loadgen.dashboard.DashboardCommand;
import io.vitalflow.loadgen.engine.ScenarioException;
import io.vitalflow.loadgen.fhir.FhirCommand;
import io.vitalflow.loadgen.stress.StressCommand;
import io.vitalflow.loadgen.suite.SuiteCommand;
import io.vitalflow.loadgen.vitals.VitalsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a scenario gets its tokens: defaults from the local platform's data directory (its issuer and
 * the backend client's key), the explicit flags, their conflicts, and real tokens of the real
 * authorization server.
 */
class AuthFlagsTest {

  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

  @Test
  void aRunningPlatformsIssuerAndBackendKeyAreTheDefault(@TempDir Path dataDir) throws Exception {
    Path authDir = Files.createDirectories(dataDir.resolve("auth"));
    AuthFiles.write(authDir, AuthFiles.URL, "http://127.0.0.1:9123\n");
    AuthFiles.write(authDir, AuthFiles.BACKEND_KEY, "{}");

    Auth fhir = FhirCommand.parse("--data-dir=" + dataDir).auth();
    Auth vitals = VitalsCommand.parse("--data-dir=" + dataDir).auth();

    assertThat(fhir.kind()).isEqualTo(Auth.Kind.KEY);
    assertThat(fhir.tokenUrl()).isEqualTo("http://127.0.0.1:9123/oauth2/token");
    assertThat(fhir.clientId()).isEqualTo("vitalflow-backend");
    assertThat(fhir.key()).isEqualTo(authDir.resolve(AuthFiles.BACKEND_KEY));
    assertThat(fhir.scopes()).containsExactly("system/*.cruds");
    assertThat(vitals.scopes()).containsExactly("system/Observation.c");
    assertThat(fhir.describe())
        .isEqualTo(
            "tokens of vitalflow-backend (private_key_jwt, SMART Backend Services) from"
                + " http://127.0.0.1:9123/oauth2/token, scope system/*.cruds");
  }

  @Test
  void eachScenarioAsksForWhatItDoes(@TempDir Path dataDir) throws Exception {
    Path authDir = Files.createDirectories(dataDir.resolve("auth"));
    AuthFiles.write(authDir, AuthFiles.URL, "http://127.0.0.1:9123\n");
    AuthFiles.write(authDir, AuthFiles.BACKEND_KEY, "{}");
    String dir = "--data-dir=" + dataDir;

    assertThat(DashboardCommand.parse(dir).auth().scopes())
        .containsExactly("system/Observation.rs", "system/Observation.c", "vitalflow/ops");
    assertThat(DashboardCommand.parse(dir, "--ward=ward-a").auth().scopes())
        .contains("vitalflow/wards.admin");
    // stress gives its flags to the FHIR mix it drives
    assertThat(StressCommand.parse(dir, "--scope=system/Patient.crud").fhir().auth().scopes())
        .containsExactly("system/Patient.crud");
  }

  @Test
  void withoutAPlatformOrATokenUrlRequestsCarryNoTokenAndSaySo(@TempDir Path empty)
      throws Exception {
    Auth auth = FhirCommand.parse("--data-dir=" + empty).auth();

    assertThat(auth.enabled()).isFalse();
    assertThat(auth.open(out).header()).isNull();
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("auth: no token (no --token-url, and no platform running on " + empty + ")");
  }

  @Test
  void noAuthSendsNoTokenEvenWithARunningPlatform(@TempDir Path dataDir) throws Exception {
    Path authDir = Files.createDirectories(dataDir.resolve("auth"));
    AuthFiles.write(authDir, AuthFiles.URL, "http://127.0.0.1:9123\n");
    AuthFiles.write(authDir, AuthFiles.BACKEND_KEY, "{}");

    Auth auth = FhirCommand.parse("--data-dir=" + dataDir, "--no-auth").auth();

    assertThat(auth.enabled()).isFalse();
    assertThat(auth.describe()).isEqualTo("no token (--no-auth)");
  }

  @Test
  void aClientSecretNeedsItsClientAndATokenUrlAndIsNeverShown() {
    Auth auth =
        FhirCommand.parse(
                "--token-url=https://idp.example.org/oauth2/token",
                "--client-id=ehr",
                "--client-secret=s3cr3t-value",
                "--scope=system/Patient.rs system/Observation.rs")
            .auth();

    assertThat(auth.kind()).isEqualTo(Auth.Kind.SECRET);
    assertThat(auth.scopes()).containsExactly("system/Patient.rs", "system/Observation.rs");
    assertThat(auth.describe()).doesNotContain("s3cr3t-value").contains("ehr (client secret)");
    assertThat(auth.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void conflictingOrIncompleteFlagsAreRefusedWithOneLine(@TempDir Path empty) {
    String dir = "--data-dir=" + empty;
    assertThatThrownBy(() -> FhirCommand.parse(dir, "--client-secret=x"))
        .hasMessage("--client-secret needs --client-id");
    assertThatThrownBy(
            () -> FhirCommand.parse(dir, "--client-id=a", "--client-secret=x", "--client-key=k"))
        .hasMessageContaining("give one");
    assertThatThrownBy(() -> FhirCommand.parse(dir, "--client-id=a", "--client-secret=x"))
        .hasMessageContaining("need --token-url");
    assertThatThrownBy(() -> FhirCommand.parse(dir, "--no-auth", "--client-id=a"))
        .hasMessageContaining("--no-auth sends no token");
    assertThatThrownBy(() -> FhirCommand.parse(dir, "--token-url=ftp://x"))
        .hasMessageContaining("--token-url");
    assertThatThrownBy(() -> FhirCommand.parse(dir, "--token-url=http://127.0.0.1:1/oauth2/token"))
        .hasMessageContaining("no client credentials");
  }

  @Test
  void theSuiteGivesItsAuthFlagsToEveryScenario(@TempDir Path empty) {
    var runs =
        SuiteCommand.parse(
                "--scenarios=fhir,vitals",
                "--no-auth",
                "--jdbc-password=x",
                "--report-dir=" + empty)
            .runs();

    for (Map.Entry<String, Map<String, String>> run : runs) {
      assertThat(run.getValue()).containsEntry("no-auth", "true");
    }
  }

  @Test
  void realTokensOfTheBackendClientFromTheRealServer() throws Exception {
    LocalAuthServer server = LocalAuthServer.shared();

    Bearer bearer =
        FhirCommand.parse("--data-dir=" + server.dataDir(), "--scope=system/Patient.rs")
            .auth()
            .open(out);

    String header = bearer.header();
    assertThat(header).startsWith("Bearer ");
    Map<String, Object> claims = LocalAuthServer.claims(bearer.token());
    assertThat(claims).containsEntry("client_id", "vitalflow-backend");
    assertThat(claims.get("scope")).isEqualTo(List.of("system/Patient.rs"));
    assertThat(bearer.header()).as("the same token until it is due").isEqualTo(header);
  }

  @Test
  void realTokensWithAClientSecret() throws Exception {
    LocalAuthServer server = LocalAuthServer.shared();

    Bearer bearer =
        FhirCommand.parse(
                "--token-url=" + server.tokenEndpoint(),
                "--client-id=vitalflow-cli",
                "--client-secret=" + server.cliSecret(),
                "--scope=system/Observation.rs")
            .auth()
            .open(out);

    assertThat(LocalAuthServer.claims(bearer.token())).containsEntry("client_id", "vitalflow-cli");
  }

  @Test
  void aRefusedTokenRequestStopsTheRunBeforeItStarts() {
    LocalAuthServer server = LocalAuthServer.shared();

    assertThatThrownBy(
            () ->
                FhirCommand.parse("--data-dir=" + server.dataDir(), "--scope=patient/*.rs")
                    .auth()
                    .open(out))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("invalid_scope");
  }
}
