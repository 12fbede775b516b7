package io.vitalflow.fhir.search;

import java.util.List;

/**
 * One page of matches.
 *
 * @param matches FHIR JSON of the matching resources of this page, in order
 * @param includes FHIR JSON of resources pulled in by {@code _include}, without duplicates
 * @param total number of all matches, or null when it was not cheap to know
 * @param hasMore whether a next page exists
 * @param ignoredParameters parameters that were not understood and therefore ignored (lenient
 *     handling)
 */
public record SearchResult(
    List<String> matches,
    List<String> includes,
    Long total,
    boolean hasMore,
    List<String> ignoredParameters) {

  public SearchResult {
    matches = List.copyOf(matches);
    includes = List.copyOf(includes);
    ignoredParameters = List.copyOf(ignoredParameters);
  }
}
