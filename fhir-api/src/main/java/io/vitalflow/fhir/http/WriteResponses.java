package io.vitalflow.fhir.http;

import io.vitalflow.fhir.store.StoredResource;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Status line and headers of FHIR responses: ETag, Last-Modified, Location, Content-Type. */
final class WriteResponses {

  private WriteResponses() {}

  static String etag(long versionId) {
    return "W/\"" + versionId + "\"";
  }

  static HttpHeaders versionHeaders(
      String base, String type, String id, long versionId, Instant lastUpdated, boolean location) {
    HttpHeaders headers = new HttpHeaders();
    headers.setETag(etag(versionId));
    if (lastUpdated != null) {
      headers.setLastModified(ZonedDateTime.ofInstant(lastUpdated, ZoneOffset.UTC));
    }
    if (location) {
      headers.setLocation(URI.create(base + "/" + type + "/" + id + "/_history/" + versionId));
    }
    return headers;
  }

  static ResponseEntity<String> resource(
      HttpStatus status, HttpHeaders headers, String json, FhirFormat format) {
    return ResponseEntity.status(status)
        .headers(headers)
        .contentType(format.mediaType())
        .body(format.fromJson(json));
  }

  /** A read of a stored version: 410 when it is a deletion. */
  static ResponseEntity<String> read(String base, StoredResource stored, FhirFormat format) {
    if (stored.deleted()) {
      throw new FhirError(
          HttpStatus.GONE,
          IssueType.DELETED,
          stored.type() + "/" + stored.id() + " was deleted (version " + stored.versionId() + ")");
    }
    return resource(
        HttpStatus.OK,
        versionHeaders(
            base, stored.type(), stored.id(), stored.versionId(), stored.lastUpdated(), false),
        stored.json(),
        format);
  }

  /**
   * Whether a conditional read may answer 304: {@code If-None-Match} names the current version
   * ({@code W/"3"}, {@code "3"}, several separated by commas, or {@code *}), or, without {@code
   * If-None-Match} (RFC 9110 13.1.3), {@code If-Modified-Since} is not before the last update
   * (compared in whole seconds, the precision of HTTP dates). An unparseable date is ignored, as
   * RFC 9110 says.
   */
  static boolean notModified(HttpHeaders headers, StoredResource stored) {
    List<String> ifNoneMatch = headers.getOrEmpty(HttpHeaders.IF_NONE_MATCH);
    if (!ifNoneMatch.isEmpty()) {
      for (String header : ifNoneMatch) {
        for (String tag : header.split(",")) {
          String value = tag.trim();
          if (value.equals("*")) {
            return true;
          }
          if (value.startsWith("W/")) {
            value = value.substring(2);
          }
          if (value.replace("\"", "").equals(Long.toString(stored.versionId()))) {
            return true;
          }
        }
      }
      return false;
    }
    String since = headers.getFirst(HttpHeaders.IF_MODIFIED_SINCE);
    if (since == null || since.isBlank() || stored.lastUpdated() == null) {
      return false;
    }
    try {
      Instant client =
          ZonedDateTime.parse(since.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return !stored.lastUpdated().truncatedTo(ChronoUnit.SECONDS).isAfter(client);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** If-Match: {@code W/"3"}, {@code "3"} or {@code 3}; null when absent. */
  static Long ifMatch(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    value = value.replace("\"", "");
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw FhirError.badRequest("If-Match must be a version ETag such as W/\"3\", got: " + header);
    }
  }
}
