package io.vitalflow.fhir.store;

import java.time.Instant;

/**
 * One stored version of a resource.
 *
 * @param json FHIR JSON with id and meta set; null when this version is a deletion
 */
public record StoredResource(
    String type, String id, long versionId, Instant lastUpdated, boolean deleted, String json) {}
