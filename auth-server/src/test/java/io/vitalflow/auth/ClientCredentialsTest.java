package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** Tokens from the real token endpoint carry the claims of docs/security.md and verify. */
class ClientCredentialsTest {

  private final LocalAuthServer auth = LocalAuthServer.shared();
  private final NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(auth.jwksUri()).build();

  @Test
  void aClientCredentialsTokenHasTheContractsClaimsAndVerifiesAgainstTheJwks() {
    Jwt jwt = decoder.decode(auth.token("system/*.rs", "vitalflow/ops"));

    assertThat(jwt.getHeaders()).containsEntry("alg", "RS256").containsKey("kid");
    assertThat(jwt.getIssuer()).hasToString(auth.issuer());
    assertThat(jwt.getSubject()).isEqualTo("vitalflow-cli");
    assertThat(jwt.getAudience()).containsExactly("vitalflow");
    assertThat(jwt.getClaimAsString("client_id")).isEqualTo("vitalflow-cli");
    assertThat(jwt.getClaimAsStringList("scope"))
        .containsExactlyInAnyOrder("system/*.rs", "vitalflow/ops");
    assertThat(jwt.getId()).isNotBlank();
    assertThat(jwt.getNotBefore()).isNotNull();
    assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt()))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(jwt.getClaims()).doesNotContainKeys("patient", "wards");
  }

  @Test
  void aPatientTokenCarriesThePatient() {
    Jwt jwt = decoder.decode(auth.patientToken("sim-1", "patient/Observation.rs"));

    assertThat(jwt.getClaimAsString("patient")).isEqualTo("sim-1");
    assertThat(jwt.getSubject()).isEqualTo("vitalflow-cli");
    assertThat(jwt.getClaimAsStringList("scope")).containsExactly("patient/Observation.rs");
  }

  @Test
  void aUserTokenCarriesTheUserAndTheirWards() {
    Jwt nurse = decoder.decode(auth.userToken("nurse-a", "user/Observation.rs"));
    Jwt admin = decoder.decode(auth.userToken("admin", "vitalflow/wards.admin"));

    assertThat(nurse.getSubject()).isEqualTo("nurse-a");
    assertThat(nurse.getClaimAsString("client_id")).isEqualTo("vitalflow-cli");
    assertThat(nurse.getClaimAsStringList("wards")).containsExactly("ward-a");
    assertThat(decoder.decode(auth.userToken("nurse-b")).getClaimAsStringList("wards"))
        .containsExactly("ward-b");
    assertThat(admin.getClaimAsStringList("wards")).isEqualTo(List.of("*"));
    assertThat(admin.getClaimAsStringList("scope")).containsExactly("vitalflow/wards.admin");
  }

  @Test
  void theCommandLineClientMayAskForAnyScopeOfTheScopeLanguage() {
    String[] scopes = {
      "patient/*.read",
      "user/*.write",
      "system/Observation.cruds",
      "user/Observation.rs?category=vital-signs",
      "system/AuditEvent.rs",
      "vitalflow/ops",
      "launch/patient"
    };

    Jwt jwt = decoder.decode(auth.token(scopes));

    assertThat(jwt.getClaimAsStringList("scope")).containsExactlyInAnyOrder(scopes);
  }

  @Test
  void theGatewayGetsTheDeviceScope() {
    Jwt jwt = decoder.decode(auth.gatewayToken());

    assertThat(jwt.getSubject()).isEqualTo("vitalflow-gateway");
    assertThat(jwt.getClaimAsString("client_id")).isEqualTo("vitalflow-gateway");
    assertThat(jwt.getClaimAsStringList("scope")).containsExactly("system/Observation.c");
  }
}
