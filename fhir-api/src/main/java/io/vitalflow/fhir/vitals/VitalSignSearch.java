package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.search.Projection;
import io.vitalflow.fhir.search.ResourceSearch;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * An Observation search for the vital-signs category, answered from both places vital signs live:
 * the readings table (readings that devices sent; {@link VitalObservations}) and the resource store
 * (every Observation written through the FHIR API, whatever its code, age or date precision; {@link
 * ResourceSearch}). A reading that came from an API write is left out of the first, so each
 * Observation appears once, under the id it was written with.
 *
 * <p>Both parts are sorted by date the same way (newest first unless {@code _sort=date}) and
 * merged. A page at {@code offset} reads the first {@code offset + count} matches of each part:
 * deep offsets cost their depth, as they do in each part alone. The total is given when both parts
 * were read to their end.
 */
@Component
public final class VitalSignSearch {

  private final VitalObservations readings;
  private final ResourceSearch resources;

  public VitalSignSearch(VitalObservations readings, ResourceSearch resources) {
    this.readings = readings;
    this.resources = resources;
  }

  /**
   * The page of the merged matches.
   *
   * @return the page; fails with {@link io.vitalflow.fhir.search.InvalidSearchException} as {@link
   *     VitalObservations#search} does (no patient, malformed values, unsupported parameters)
   */
  public Mono<SearchResult> search(SearchRequest request) {
    Projection projection;
    try {
      projection = Projection.of(request.parameters());
    } catch (InvalidSearchException e) {
      return Mono.error(e);
    }
    if (projection.countOnly()) {
      return Mono.error(
          new InvalidSearchException(
              "_summary=count is not supported by vital-signs Observation searches: counting a"
                  + " patient's readings means reading them all; page through the search instead"));
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>(request.parameters());
    parameters.remove("_summary");
    parameters.remove("_elements");
    int depth = request.offset() + request.count();
    SearchRequest readingsPart =
        new SearchRequest(request.resourceType(), parameters, depth, 0, request.strict());
    Map<String, List<String>> storeParameters = new LinkedHashMap<>(parameters);
    storeParameters.remove("_total");
    boolean ascending = List.of("date").equals(storeParameters.remove("_sort"));
    storeParameters.put("_sort", List.of(ascending ? "date" : "-date"));
    SearchRequest storePart =
        new SearchRequest(request.resourceType(), storeParameters, depth, 0, request.strict());
    // the readings part checks the request first: its errors are the ones to report
    return readings
        .search(readingsPart)
        .flatMap(
            fromReadings ->
                resources
                    .search(storePart)
                    .map(
                        fromStore ->
                            merge(request, ascending, fromReadings, fromStore, projection)));
  }

  private static SearchResult merge(
      SearchRequest request,
      boolean ascending,
      SearchResult fromReadings,
      SearchResult fromStore,
      Projection projection) {
    List<String> merged = merged(fromReadings.matches(), fromStore.matches(), ascending);
    int from = Math.min(request.offset(), merged.size());
    int to = Math.min(request.offset() + request.count(), merged.size());
    boolean complete = !fromReadings.hasMore() && !fromStore.hasMore();
    boolean hasMore = merged.size() > to || !complete;
    LinkedHashSet<String> ignored = new LinkedHashSet<>(fromReadings.ignoredParameters());
    ignored.addAll(fromStore.ignoredParameters());
    return new SearchResult(
        merged.subList(from, to).stream().map(projection::apply).toList(),
        fromStore.includes(),
        complete ? (long) merged.size() : null,
        hasMore,
        List.copyOf(ignored));
  }

  /**
   * Both lists merged by date, each keeping its own order: ties go to the readings first, an
   * Observation without a date goes last.
   */
  static List<String> merged(List<String> readings, List<String> stored, boolean ascending) {
    List<String> merged = new ArrayList<>(readings.size() + stored.size());
    int r = 0;
    int s = 0;
    Instant readingKey =
        r < readings.size() ? EffectiveDates.sortKey(readings.get(r), ascending) : null;
    Instant storedKey = s < stored.size() ? EffectiveDates.sortKey(stored.get(s), ascending) : null;
    while (r < readings.size() || s < stored.size()) {
      boolean takeReading;
      if (r >= readings.size()) {
        takeReading = false;
      } else if (s >= stored.size()) {
        takeReading = true;
      } else {
        takeReading = before(readingKey, storedKey, ascending);
      }
      if (takeReading) {
        merged.add(readings.get(r++));
        readingKey =
            r < readings.size() ? EffectiveDates.sortKey(readings.get(r), ascending) : null;
      } else {
        merged.add(stored.get(s++));
        storedKey = s < stored.size() ? EffectiveDates.sortKey(stored.get(s), ascending) : null;
      }
    }
    return merged;
  }

  /**
   * Whether a reading dated {@code reading} comes no later than a stored one dated {@code stored}.
   */
  private static boolean before(Instant reading, Instant stored, boolean ascending) {
    if (reading == null) {
      return stored == null;
    }
    if (stored == null) {
      return true;
    }
    return ascending ? !reading.isAfter(stored) : !reading.isBefore(stored);
  }
}
