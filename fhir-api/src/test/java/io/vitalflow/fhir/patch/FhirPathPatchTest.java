package io.vitalflow.fhir.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a FHIRPath Patch path is taken apart into the element list it changes. */
class FhirPathPatchTest {

  @Test
  void theLastFilterOrIndexIsStripped() {
    assertThat(FhirPathPatch.stripFilters("Patient.identifier[0]")).isEqualTo("Patient.identifier");
    assertThat(FhirPathPatch.stripFilters("Patient.name.where(family = 'a.b(c)')"))
        .isEqualTo("Patient.name");
    assertThat(FhirPathPatch.stripFilters("Patient.name.where(use = 'old').first()"))
        .isEqualTo("Patient.name");
    assertThat(FhirPathPatch.stripFilters("Patient.name[1].given[0]"))
        .isEqualTo("Patient.name[1].given");
    assertThat(FhirPathPatch.stripFilters("Patient.gender")).isEqualTo("Patient.gender");
  }
}
