package io.vitalflow.fhir.http;

import io.vitalflow.fhir.patch.FhirPathPatch;
import io.vitalflow.fhir.patch.JsonPatch;
import io.vitalflow.fhir.patch.PatchRejected;
import io.vitalflow.fhir.store.StoredResource;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Patch documents and what they make of a stored resource: JSON Patch ({@code
 * application/json-patch+json}) and FHIRPath Patch (a {@code Parameters} resource), for {@code
 * PATCH [type]/[id]} and for PATCH entries of a batch or transaction (a {@code Binary} holding the
 * JSON Patch, or the {@code Parameters}).
 */
@Component
final class Patches {

  private final ResourceParser parser;
  private final FhirPathPatch fhirPathPatch = new FhirPathPatch(FhirFormat.FHIR);

  Patches(ResourceParser parser) {
    this.parser = parser;
  }

  /** A patch document: JSON Patch text, or a parsed FHIRPath Patch. */
  record Patch(String jsonPatch, Parameters fhirPath) {}

  /** The patch of a request body with its content type. */
  Patch of(String body, MediaType contentType) {
    if (body == null || body.isBlank()) {
      throw FhirError.badRequest("A PATCH needs a JSON Patch or a FHIRPath Patch body");
    }
    if (contentType != null
        && contentType.getSubtype().toLowerCase(Locale.ROOT).equals("json-patch+json")) {
      return new Patch(body, null);
    }
    if (contentType == null) {
      throw new FhirError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          IssueType.NOTSUPPORTED,
          "A PATCH needs a Content-Type: application/json-patch+json (JSON Patch) or"
              + " application/fhir+json or +xml (FHIRPath Patch, a Parameters resource)");
    }
    return new Patch(
        null, (Parameters) parser.parse(body, FhirFormat.ofBody(contentType), "Parameters"));
  }

  /**
   * The patch of a Bundle entry: a {@code Binary} with content type {@code
   * application/json-patch+json} and the JSON Patch as its data, or a {@code Parameters} (FHIRPath
   * Patch).
   */
  Patch ofEntry(Resource resource) {
    if (resource instanceof Parameters parameters) {
      return new Patch(null, parameters);
    }
    if (resource instanceof Binary binary
        && binary.getContentType() != null
        && binary
            .getContentType()
            .toLowerCase(Locale.ROOT)
            .startsWith("application/json-patch+json")
        && binary.hasData()) {
      return new Patch(new String(binary.getData(), StandardCharsets.UTF_8), null);
    }
    throw FhirError.badRequest(
        "A PATCH entry needs a Parameters resource (FHIRPath Patch) or a Binary with contentType"
            + " application/json-patch+json and the JSON Patch as data");
  }

  /**
   * The resource {@code patch} makes of {@code stored}, checked like the body of a PUT: 400 for a
   * malformed patch, 422 when it cannot be applied or makes an invalid resource or changes the id.
   */
  IBaseResource applied(String type, String id, Patch patch, StoredResource stored) {
    String json;
    try {
      if (patch.jsonPatch() != null) {
        json = JsonPatch.apply(patch.jsonPatch(), stored.json());
      } else {
        IBaseResource resource = FhirFormat.FHIR.newJsonParser().parseResource(stored.json());
        fhirPathPatch.apply(resource, patch.fhirPath());
        json = FhirFormat.FHIR.newJsonParser().encodeResourceToString(resource);
      }
    } catch (PatchRejected e) {
      throw e.malformed()
          ? FhirError.badRequest(e.getMessage())
          : new FhirError(HttpStatus.UNPROCESSABLE_CONTENT, IssueType.PROCESSING, e.getMessage());
    }
    IBaseResource resource;
    try {
      resource = parser.parse(json, FhirFormat.JSON, type);
    } catch (FhirError e) {
      // the patch document was fine, the resource it makes is not: 422 (FHIR's patch)
      throw new FhirError(
          HttpStatus.UNPROCESSABLE_CONTENT,
          e.code(),
          e.details().stream().map(d -> "The patched resource is invalid: " + d).toList());
    }
    if (!id.equals(resource.getIdElement().getIdPart())) {
      throw new FhirError(
          HttpStatus.UNPROCESSABLE_CONTENT,
          IssueType.PROCESSING,
          "A patch must not change or remove the resource's id");
    }
    return resource;
  }
}
