package io.vitalflow.fhir.store;

import java.time.Instant;

/**
 * How a write command ended, as the projection announces it once the result is readable.
 *
 * @param requestId the command's request id
 * @param status HTTP status: 201 created, 200 updated or found (conditional create), 204 nothing to
 *     delete, 409 or 412 rejected
 * @param resourceType resource type
 * @param resourceId resource id
 * @param versionId version written or found; null when there is none
 * @param lastUpdated of that version; null when unknown
 * @param deleted whether that version is a deletion
 * @param message why, for rejections and no-ops; may be null
 */
public record WriteOutcome(
    String requestId,
    int status,
    String resourceType,
    String resourceId,
    Long versionId,
    Instant lastUpdated,
    boolean deleted,
    String message) {

  private static final char SEPARATOR = '\t';

  /** The NOTIFY payload: tab-separated fields (ids and types never hold tabs). */
  String toPayload() {
    return requestId
        + SEPARATOR
        + status
        + SEPARATOR
        + resourceType
        + SEPARATOR
        + resourceId
        + SEPARATOR
        + (versionId == null ? "" : versionId)
        + SEPARATOR
        + (lastUpdated == null ? "" : lastUpdated.toEpochMilli())
        + SEPARATOR
        + deleted
        + SEPARATOR
        + (message == null ? "" : message.replace('\t', ' '));
  }

  static WriteOutcome fromPayload(String payload) {
    String[] f = payload.split("\t", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException("not a write outcome: " + f.length + " fields");
    }
    return new WriteOutcome(
        f[0],
        Integer.parseInt(f[1]),
        f[2],
        f[3],
        f[4].isEmpty() ? null : Long.valueOf(f[4]),
        f[5].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[5])),
        Boolean.parseBoolean(f[6]),
        f[7].isEmpty() ? null : f[7]);
  }
}
