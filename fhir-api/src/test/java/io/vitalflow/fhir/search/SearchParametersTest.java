package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Our parameter names, types and reference targets are the R4 ones, as HAPI defines them. */
class SearchParametersTest {

  @Test
  void everyIndexedParameterMatchesHapisDefinition() {
    FhirContext context = FhirContext.forR4Cached();
    for (String type : SearchParameters.resourceTypes()) {
      for (SearchParameters.Definition ours : SearchParameters.of(type)) {
        RuntimeSearchParam hapi = context.getResourceDefinition(type).getSearchParam(ours.name());
        assertThat(hapi).as(type + "." + ours.name()).isNotNull();
        assertThat(hapi.getParamType().name().toUpperCase(Locale.ROOT))
            .as(type + "." + ours.name())
            .isEqualTo(ours.type().name());
        if (!ours.targets().isEmpty()) {
          assertThat(hapi.getTargets())
              .as(type + "." + ours.name() + " targets")
              .containsAll(ours.targets());
        }
      }
    }
  }

  @Test
  void theParametersTheHttpLayerSearchesAreIndexed() {
    String[][] required = {
      {"Patient", "identifier", "name", "family", "given", "birthdate", "gender"},
      {"Observation", "subject", "patient", "code", "category", "date", "identifier"},
      {"MedicationRequest", "subject", "patient", "status", "intent", "code", "identifier"},
      {"Encounter", "subject", "patient", "identifier"},
      {"Condition", "subject", "patient", "identifier"},
      {"Practitioner", "identifier", "name"},
      {"Organization", "identifier", "name"},
      {"Location", "identifier", "name"},
      {"AllergyIntolerance", "identifier", "patient"},
      {"DetectedIssue", "identifier", "patient"}
    };
    for (String[] row : required) {
      for (int i = 1; i < row.length; i++) {
        assertThat(SearchParameters.find(row[0], row[i])).as(row[0] + "." + row[i]).isNotNull();
      }
    }
  }
}
