package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmartScopesTest {

  private static SmartScopes scopes(String... raw) {
    return SmartScopes.of(List.of(raw));
  }

  @Test
  void v2LettersGrantExactlyTheirInteractions() {
    SmartScopes scopes = scopes("user/Observation.rs");

    assertThat(scopes.permits("Observation", Interaction.READ)).isTrue();
    assertThat(scopes.permits("Observation", Interaction.SEARCH)).isTrue();
    assertThat(scopes.permits("Observation", Interaction.CREATE)).isFalse();
    assertThat(scopes.permits("Observation", Interaction.UPDATE)).isFalse();
    assertThat(scopes.permits("Observation", Interaction.DELETE)).isFalse();
    assertThat(scopes.permits("Patient", Interaction.READ)).isFalse();
  }

  @Test
  void v1ReadAndWriteAreAccepted() {
    SmartScopes scopes = scopes("patient/*.read user/Observation.write");

    assertThat(scopes.permits("Condition", Interaction.SEARCH)).isTrue();
    assertThat(scopes.permits("Observation", Interaction.CREATE)).isTrue();
    assertThat(scopes.permits("Observation", Interaction.DELETE)).isTrue();
    assertThat(scopes.permits("Condition", Interaction.CREATE)).isFalse();
  }

  @Test
  void lettersOutOfOrderOrUnknownGrantNothing() {
    assertThat(scopes("user/*.sr").permits("Patient", Interaction.READ)).isFalse();
    assertThat(scopes("user/*.rr").permits("Patient", Interaction.READ)).isFalse();
    assertThat(scopes("user/*.x").permits("Patient", Interaction.READ)).isFalse();
    assertThat(scopes("admin/*.cruds").permits("Patient", Interaction.READ)).isFalse();
  }

  @Test
  void aConstrainedScopeGrantsNothingUntilConstraintsAreEvaluated() {
    assertThat(
            scopes("patient/Observation.rs?category=vital-signs")
                .permits("Observation", Interaction.READ))
        .isFalse();
  }

  @Test
  void aWildcardNeverCoversTheAuditTrail() {
    assertThat(scopes("system/*.cruds").permits("AuditEvent", Interaction.SEARCH)).isFalse();
    assertThat(scopes("system/AuditEvent.rs").permits("AuditEvent", Interaction.SEARCH)).isTrue();
  }

  @Test
  void patientScopesLimitToTheCompartmentUnlessAWiderScopeAlsoCovers() {
    assertThat(scopes("patient/*.rs").patientLimited("Observation", Interaction.READ)).isTrue();
    assertThat(
            scopes("patient/*.rs user/Observation.r")
                .patientLimited("Observation", Interaction.READ))
        .isFalse();
    assertThat(scopes("user/Patient.r").patientLimited("Observation", Interaction.READ)).isFalse();
  }

  @Test
  void aCallerWithPatientScopesButNoPatientMayNothing() {
    Caller withoutPatient =
        new Caller(
            "app", "app", scopes("patient/*.rs"), java.util.Optional.empty(), java.util.Set.of());
    Caller withPatient =
        new Caller(
            "app", "app", scopes("patient/*.rs"), java.util.Optional.of("p1"), java.util.Set.of());

    assertThat(withoutPatient.may("Observation", Interaction.READ)).isFalse();
    assertThat(withPatient.may("Observation", Interaction.READ)).isTrue();
    assertThat(withPatient.mayForAnyPatient("Observation", Interaction.READ)).isFalse();
    assertThat(withPatient.compartmentOnly("Observation", Interaction.READ)).isTrue();
  }

  @Test
  void otherScopesAreKeptByName() {
    SmartScopes scopes = scopes("vitalflow/ops openid");

    assertThat(scopes.has("vitalflow/ops")).isTrue();
    assertThat(scopes.has("vitalflow/wards.admin")).isFalse();
    assertThat(SmartScopes.everything().has("anything")).isTrue();
  }
}
