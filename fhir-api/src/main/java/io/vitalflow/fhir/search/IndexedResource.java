package io.vitalflow.fhir.search;

import java.util.Objects;

/**
 * The index rows of one resource to write.
 *
 * @param entries the new rows; null or empty for a deleted resource (its rows are only removed)
 */
public record IndexedResource(String type, String id, IndexEntries entries) {

  public IndexedResource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
  }
}
