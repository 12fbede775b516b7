package io.vitalflow.fhir.http;

import io.vitalflow.fhir.vitals.VitalObservations;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;

/** Which resource types and ids the server knows. */
final class ResourceTypes {

  static final Set<String> ALL = Set.copyOf(FhirFormat.FHIR.getResourceTypes());
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private ResourceTypes() {}

  static void require(String type) {
    if (!ALL.contains(type)) {
      throw new FhirError(
          HttpStatus.NOT_FOUND,
          IssueType.NOTSUPPORTED,
          "Unknown resource type '" + type + "': this is a FHIR R4 server");
    }
  }

  static void requireWritableId(String type, String id) {
    if (!ID.matcher(id).matches()) {
      throw FhirError.badRequest(
          "'" + id + "' is not a valid FHIR id (1-64 of A-Z, a-z, 0-9, '-' and '.')");
    }
    if (type.equals("Observation") && VitalObservations.isVitalId(id)) {
      throw new FhirError(
          HttpStatus.METHOD_NOT_ALLOWED,
          IssueType.NOTSUPPORTED,
          "Observation/"
              + id
              + " is a device reading from the vitals pipeline and cannot be changed through the FHIR API");
    }
  }
}
