package io.vitalflow.fhir.vitals;

import io.vitalflow.fhir.search.InvalidSearchException;
import io.vitalflow.fhir.search.Projection;
import io.vitalflow.fhir.search.ResourceSearch;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
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

  /** Chains through the patient a vital-signs search resolves to patient ids. */
  private static final List<String> PATIENT_CHAINS =
      List.of("patient.", "patient:Patient.", "subject.", "subject:Patient.");

  private static final Set<String> PATIENT_INCLUDES =
      Set.of(
          "Observation:patient",
          "Observation:patient:Patient",
          "Observation:subject",
          "Observation:subject:Patient");

  private final VitalObservations readings;
  private final ResourceSearch resources;
  private final ResourceStore store;

  public VitalSignSearch(
      VitalObservations readings, ResourceSearch resources, ResourceStore store) {
    this.readings = readings;
    this.resources = resources;
    this.store = store;
  }

  /**
   * The page of the merged matches; for {@code _summary=count} only the total of both parts.
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
    Map<String, List<String>> parameters = new LinkedHashMap<>(request.parameters());
    parameters.remove("_summary");
    parameters.remove("_elements");
    boolean accurate = List.of("accurate").equals(parameters.get("_total"));
    if (projection.countOnly()) {
      return count(request, parameters);
    }
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
    Mono<SearchResult> page =
        readingsSearch(readingsPart)
            .flatMap(
                fromReadings ->
                    resources
                        .search(storePart)
                        .flatMap(
                            fromStore ->
                                merge(request, ascending, fromReadings, fromStore, projection)));
    if (!accurate) {
      return page;
    }
    return page.zipWith(
        count(request, parameters),
        (found, counted) ->
            new SearchResult(
                found.matches(),
                found.includes(),
                counted.total(),
                found.hasMore(),
                found.ignoredParameters()));
  }

  /**
   * The total of both parts ({@code _summary=count}, {@code _total=accurate}): the readings counted
   * in the readings table, the Observations of the resource store counted by its search.
   */
  private Mono<SearchResult> count(SearchRequest request, Map<String, List<String>> parameters) {
    Map<String, List<String>> readingParameters = new LinkedHashMap<>(parameters);
    readingParameters.remove("_sort");
    SearchRequest readingsPart =
        new SearchRequest(request.resourceType(), readingParameters, 0, 0, request.strict());
    Map<String, List<String>> storeParameters = new LinkedHashMap<>(readingParameters);
    storeParameters.remove("_total");
    storeParameters.put("_summary", List.of("count"));
    SearchRequest storePart =
        new SearchRequest(request.resourceType(), storeParameters, 0, 0, request.strict());
    return readingsSearch(readingsPart)
        .flatMap(
            checked ->
                readingsCount(readingsPart)
                    .zipWith(
                        resources.search(storePart),
                        (fromReadings, fromStore) -> {
                          LinkedHashSet<String> ignored =
                              new LinkedHashSet<>(checked.ignoredParameters());
                          ignored.addAll(fromStore.ignoredParameters());
                          long stored = fromStore.total() == null ? 0 : fromStore.total();
                          return new SearchResult(
                              List.of(),
                              List.of(),
                              fromReadings + stored,
                              false,
                              List.copyOf(ignored));
                        }));
  }

  /** The readings part's page, its patient chains resolved. */
  private Mono<SearchResult> readingsSearch(SearchRequest part) {
    return chainsResolved(part)
        .flatMap(
            resolved ->
                resolved
                    .map(readings::search)
                    .orElseGet(
                        () ->
                            Mono.just(
                                new SearchResult(List.of(), List.of(), 0L, false, List.of()))));
  }

  /** The readings part's count, its patient chains resolved. */
  private Mono<Long> readingsCount(SearchRequest part) {
    return chainsResolved(part)
        .flatMap(resolved -> resolved.map(readings::count).orElseGet(() -> Mono.just(0L)));
  }

  /**
   * The readings part with its chains on the patient ({@code patient.name=peter}, {@code
   * subject:Patient.identifier=...}) replaced by the ids of the patients they find (the caller's
   * visibility applies, as to every chain), ANDed with the other patient parameters; empty when a
   * chain finds no patient. A chain that finds more than {@value VitalQuery#MAX_VALUES} patients is
   * refused: the readings of so many patients are not one query.
   */
  private Mono<Optional<SearchRequest>> chainsResolved(SearchRequest part) {
    Map<String, List<String>> parameters = new LinkedHashMap<>(part.parameters());
    List<Mono<List<String>>> lookups = new ArrayList<>();
    List<String> chains = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : part.parameters().entrySet()) {
      for (String prefix : PATIENT_CHAINS) {
        if (parameter.getKey().startsWith(prefix)) {
          String chained = parameter.getKey().substring(prefix.length());
          parameters.remove(parameter.getKey());
          chains.add(parameter.getKey());
          lookups.add(
              resources.findIds(
                  "Patient", Map.of(chained, parameter.getValue()), VitalQuery.MAX_VALUES + 1));
          break;
        }
      }
    }
    if (lookups.isEmpty()) {
      return Mono.just(Optional.of(part));
    }
    return Flux.concat(lookups)
        .collectList()
        .map(
            found -> {
              List<String> patients =
                  new ArrayList<>(parameters.getOrDefault("patient", List.of()));
              for (int i = 0; i < found.size(); i++) {
                List<String> ids = found.get(i);
                if (ids.isEmpty()) {
                  return Optional.empty();
                }
                if (ids.size() > VitalQuery.MAX_VALUES) {
                  throw new InvalidSearchException(
                      "'"
                          + chains.get(i)
                          + "' finds more than "
                          + VitalQuery.MAX_VALUES
                          + " patients: a vital-signs search reads the readings of at most "
                          + VitalQuery.MAX_VALUES);
                }
                patients.add(String.join(",", ids));
              }
              parameters.put("patient", patients);
              return Optional.of(
                  new SearchRequest(
                      part.resourceType(), parameters, part.count(), part.offset(), part.strict()));
            });
  }

  private Mono<SearchResult> merge(
      SearchRequest request,
      boolean ascending,
      SearchResult fromReadings,
      SearchResult fromStore,
      Projection projection) {
    List<String> merged = merged(fromReadings.matches(), fromStore.matches(), ascending);
    int from = Math.min(request.offset(), merged.size());
    int to = Math.min(request.offset() + request.count(), merged.size());
    boolean complete = !fromReadings.hasMore() && !fromStore.hasMore();
    boolean hasMore = request.count() > 0 && (merged.size() > to || !complete);
    LinkedHashSet<String> ignored = new LinkedHashSet<>(fromReadings.ignoredParameters());
    ignored.addAll(fromStore.ignoredParameters());
    List<String> page = merged.subList(from, to);
    Set<String> readingMatches = new HashSet<>(fromReadings.matches());
    List<String> pageReadings = page.stream().filter(readingMatches::contains).toList();
    return includes(request.parameters(), pageReadings)
        .map(
            ofReadings -> {
              LinkedHashSet<String> included = new LinkedHashSet<>(fromStore.includes());
              included.addAll(ofReadings);
              return new SearchResult(
                  page.stream().map(projection::apply).toList(),
                  List.copyOf(included),
                  complete ? (long) merged.size() : null,
                  hasMore,
                  List.copyOf(ignored));
            });
  }

  /**
   * The resources that the {@code _include}s of an Observation search name from device readings:
   * the patient ({@code Observation:patient}, {@code Observation:subject}, also with {@code
   * :Patient}, and {@code Observation:*}) and the device ({@code Observation:device}, {@code
   * Observation:*}) when they are stored resources the caller may read. One round: {@code :iterate}
   * continues from the resource store's matches only.
   */
  private Mono<List<String>> includes(Map<String, List<String>> parameters, List<String> page) {
    Set<String> includes = new HashSet<>();
    for (String name : List.of("_include", "_include:iterate")) {
      for (String value : parameters.getOrDefault(name, List.of())) {
        includes.addAll(List.of(value.split(",")));
      }
    }
    boolean patients =
        includes.stream()
            .anyMatch(
                include -> PATIENT_INCLUDES.contains(include) || include.equals("Observation:*"));
    boolean devices =
        includes.stream()
            .anyMatch(
                include ->
                    include.equals("Observation:device")
                        || include.equals("Observation:device:Device")
                        || include.equals("Observation:*"));
    if (page.isEmpty() || !patients && !devices) {
      return Mono.just(List.of());
    }
    Set<String> targets = new LinkedHashSet<>();
    for (String json : page) {
      Observation observation = (Observation) readings.parse(json);
      if (patients) {
        targets.add(observation.getSubject().getReference());
      }
      if (devices && observation.hasDevice()) {
        targets.add(observation.getDevice().getReference());
      }
    }
    return Flux.fromIterable(targets)
        .concatMap(
            reference -> {
              int slash = reference.indexOf('/');
              return store.current(reference.substring(0, slash), reference.substring(slash + 1));
            })
        .filter(stored -> !stored.deleted() && stored.json() != null)
        .map(StoredResource::json)
        .collectList();
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
