package io.vitalflow.fhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.vitalflow.fhir.search.IndexEntries;
import io.vitalflow.fhir.search.IndexedResource;
import io.vitalflow.fhir.search.SearchIndexWriter;
import io.vitalflow.fhir.search.SearchIndexer;
import io.vitalflow.schemas.FhirResourceVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search index of the projection: extraction from each newest version, written in its
 * transaction.
 */
public final class IndexedProjection implements SearchIndexUpdater {

  private final SearchIndexer indexer = new SearchIndexer();
  private final SearchIndexWriter writer = new SearchIndexWriter();
  private final FhirContext fhir = FhirContext.forR4Cached();

  @Override
  public void replace(Connection connection, Collection<FhirResourceVersion> versions)
      throws SQLException {
    if (versions.isEmpty()) {
      return;
    }
    IParser parser = fhir.newJsonParser();
    List<IndexedResource> batch = new ArrayList<>(versions.size());
    for (FhirResourceVersion v : versions) {
      batch.add(
          new IndexedResource(
              v.getResourceType(),
              v.getResourceId(),
              v.getDeleted() || v.getResource() == null ? null : extract(parser, v)));
    }
    writer.replace(connection, batch);
  }

  /**
   * The index entries of a stored version. The API checks every body before it becomes a command,
   * but the topic is replayed from its start and may hold versions from before those checks (a
   * narrative nested 20,000 deep); a stack overflow is an {@link Error} that would end the
   * projection's thread, so it becomes an exception the sink treats like any other failing record.
   */
  private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d{1,5}");

  private IndexEntries extract(IParser parser, FhirResourceVersion version) {
    try {
      return indexer.extract(parser.parseResource(version.getResource()));
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException(
          "A " + version.getResourceType() + " version nests too deeply to be indexed");
    } catch (DataFormatException e) {
      // HAPI's message quotes the content (a narrative's XHTML): name only its code
      Matcher code = HAPI_CODE.matcher(String.valueOf(e.getMessage()));
      throw new IllegalArgumentException(
          "A "
              + version.getResourceType()
              + " version cannot be parsed to be indexed"
              + (code.lookingAt() ? " (" + code.group() + ")" : ""));
    }
  }
}
