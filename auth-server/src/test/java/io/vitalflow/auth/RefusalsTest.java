package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refused token requests answer with the standard OAuth2 error JSON (RFC 6749 section 5.2). */
class RefusalsTest {

  private final LocalAuthServer auth = LocalAuthServer.shared();
  private final TokenClient client = new TokenClient(URI.create(auth.tokenEndpoint()));

  @Test
  void aWrongSecretIsAnInvalidClient() {
    assertThatThrownBy(
            () -> client.clientCredentials("vitalflow-cli", "not-the-secret", List.of(), Map.of()))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.error()).isEqualTo("invalid_client");
            });
  }

  @Test
  void anUnknownClientIsAnInvalidClient() {
    assertThatThrownBy(
            () -> client.clientCredentials("no-such-client", auth.cliSecret(), List.of(), Map.of()))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_client"));
  }

  @Test
  void aScopeTheClientMayNotHaveIsAnInvalidScope() {
    String gatewaySecret =
        AuthFiles.read(auth.dataDir().resolve("auth"), AuthFiles.GATEWAY_SECRET).orElseThrow();

    assertThatThrownBy(
            () ->
                client.clientCredentials(
                    "vitalflow-gateway", gatewaySecret, List.of("system/*.rs"), Map.of()))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.error()).isEqualTo("invalid_scope");
            });
    assertThatThrownBy(() -> auth.token("system/*.everything"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"));
    assertThatThrownBy(() -> auth.token("admin"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"));
  }

  @Test
  void onlyAnAdministratorGetsTheWardAdministrationScope() {
    assertThatThrownBy(() -> auth.userToken("nurse-a", "vitalflow/wards.admin"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"));
  }

  @Test
  void theDevelopmentParametersAreForTheCommandLineClientAndKnownValuesOnly() {
    String gatewaySecret =
        AuthFiles.read(auth.dataDir().resolve("auth"), AuthFiles.GATEWAY_SECRET).orElseThrow();

    assertThatThrownBy(
            () ->
                client.clientCredentials(
                    "vitalflow-gateway",
                    gatewaySecret,
                    List.of("system/Observation.c"),
                    Map.of("patient", "sim-1")))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_request"));
    assertThatThrownBy(() -> auth.userToken("nobody"))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> {
              assertThat(e.error()).isEqualTo("invalid_request");
              assertThat(e).hasMessageContaining("no development user 'nobody'");
            });
    assertThatThrownBy(() -> auth.patientToken("sim 1; drop"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_request"));
  }
}
