package io.vitalflow.fhir.store;

import io.vitalflow.schemas.FhirResourceVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/** Replaces the search-index rows of resources inside the projection's transaction. */
public interface SearchIndexUpdater {

  /**
   * @param versions the newest version of each resource in the batch (deleted ones lose their rows)
   */
  void replace(Connection connection, Collection<FhirResourceVersion> versions) throws SQLException;
}
