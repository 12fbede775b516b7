package io.vitalflow.fhir.http;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** {@code OperationOutcome}s as FHIR JSON. */
final class Outcomes {

  private Outcomes() {}

  static String json(IssueSeverity severity, IssueType code, List<String> diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    for (String diagnostic : diagnostics) {
      outcome.addIssue().setSeverity(severity).setCode(code).setDiagnostics(diagnostic);
    }
    return FhirFormat.FHIR.newJsonParser().encodeResourceToString(outcome);
  }

  static String information(String diagnostics) {
    return json(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, List.of(diagnostics));
  }

  static String error(FhirError error) {
    IssueSeverity severity =
        error.status().is5xxServerError() ? IssueSeverity.FATAL : IssueSeverity.ERROR;
    return json(severity, error.code(), error.details());
  }
}
