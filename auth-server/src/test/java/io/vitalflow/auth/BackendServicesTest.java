package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** SMART Backend Services: client credentials authenticated by an asymmetric client assertion. */
class BackendServicesTest {

  private final LocalAuthServer auth = LocalAuthServer.shared();

  @Test
  void anAssertionSignedWithTheRegisteredKeyGetsAToken() {
    Jwt jwt =
        NimbusJwtDecoder.withJwkSetUri(auth.jwksUri())
            .build()
            .decode(auth.backendToken("system/*.rs"));

    assertThat(jwt.getSubject()).isEqualTo("vitalflow-backend");
    assertThat(jwt.getClaimAsString("client_id")).isEqualTo("vitalflow-backend");
    assertThat(jwt.getAudience()).containsExactly("vitalflow");
    assertThat(jwt.getClaimAsStringList("scope")).containsExactly("system/*.rs");
  }

  @Test
  void anAssertionSignedWithAnotherKeyIsRefused() throws Exception {
    RSAKey registered = DevelopmentClients.backendKey(auth.dataDir().resolve("auth"));
    RSAKey other =
        new RSAKeyGenerator(2048)
            .keyID(registered.getKeyID()) // even claiming the registered key's id
            .algorithm(JWSAlgorithm.RS384)
            .generate();
    TokenClient client = new TokenClient(URI.create(auth.tokenEndpoint()));

    assertThatThrownBy(
            () -> client.backendServices("vitalflow-backend", other, List.of("system/*.rs")))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.error()).isEqualTo("invalid_client");
            });
  }

  @Test
  void theBackendMayMovePatientsBetweenWardsAndReadOperations() {
    Jwt jwt =
        NimbusJwtDecoder.withJwkSetUri(auth.jwksUri())
            .build()
            .decode(
                auth.backendToken(
                    "system/Observation.rs", "vitalflow/wards.admin", "vitalflow/ops"));

    assertThat(jwt.getClaimAsStringList("scope"))
        .containsExactlyInAnyOrder(
            "system/Observation.rs", "vitalflow/wards.admin", "vitalflow/ops");
  }

  @Test
  void theBackendMayAskForSystemScopesOnly() {
    assertThatThrownBy(() -> auth.backendToken("patient/*.rs"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"));
  }
}
