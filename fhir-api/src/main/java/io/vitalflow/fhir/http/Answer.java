package io.vitalflow.fhir.http;

import io.vitalflow.fhir.command.VersionStamp;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The result of one write, before it becomes an HTTP response or a Bundle response entry.
 *
 * @param versionId the version written or found; null when none
 * @param lastUpdated of that version; null when unknown
 * @param body FHIR JSON to answer with (the resource or an OperationOutcome); null for none
 */
record Answer(
    HttpStatus status, String type, String id, Long versionId, Instant lastUpdated, String body) {

  Answer withStatus(HttpStatus other) {
    return new Answer(other, type, id, versionId, lastUpdated, body);
  }

  String location(String base) {
    return versionId == null
        ? base + "/" + type + "/" + id
        : base + "/" + type + "/" + id + "/_history/" + versionId;
  }

  ResponseEntity<String> toResponse(String base, FhirFormat format) {
    HttpHeaders headers = new HttpHeaders();
    if (versionId != null) {
      headers.putAll(WriteResponses.versionHeaders(base, type, id, versionId, lastUpdated, false));
    }
    if (status != HttpStatus.NO_CONTENT) {
      headers.setLocation(URI.create(location(base)));
    }
    if (body == null) {
      return ResponseEntity.status(status).headers(headers).build();
    }
    return WriteResponses.resource(status, headers, body, format);
  }

  BundleJson.Response toEntryResponse(String base, boolean withOutcome) {
    String statusLine = status.value() + " " + status.getReasonPhrase();
    return new BundleJson.Response(
        statusLine,
        type == null || versionId == null && status == HttpStatus.NO_CONTENT
            ? null
            : relativeLocation(),
        versionId == null ? null : WriteResponses.etag(versionId),
        lastUpdated == null ? null : VersionStamp.instant(lastUpdated),
        withOutcome ? body : null);
  }

  private String relativeLocation() {
    return versionId == null ? type + "/" + id : type + "/" + id + "/_history/" + versionId;
  }
}
