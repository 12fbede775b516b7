package io.vitalflow.fhir.http;

import io.vitalflow.fhir.search.ResourceSearch;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.vitals.VitalSignSearch;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Sends a search where its answer lives: Observation searches for the vital-signs category read the
 * readings table and the resource store ({@link VitalSignSearch}: one reading, one truth),
 * everything else only the resource store's search index.
 */
@Component
final class Searches {

  private final ResourceSearch resources;
  private final VitalSignSearch vitals;

  Searches(ResourceSearch resources, VitalSignSearch vitals) {
    this.resources = resources;
    this.vitals = vitals;
  }

  Mono<SearchResult> search(SearchRequest request) {
    return asksForVitalSigns(request) ? vitals.search(request) : resources.search(request);
  }

  Mono<List<String>> findIds(String type, Map<String, List<String>> parameters, int limit) {
    return resources.findIds(type, parameters, limit);
  }

  ResourceSearch resources() {
    return resources;
  }

  static boolean asksForVitalSigns(SearchRequest request) {
    if (!request.resourceType().equals("Observation")) {
      return false;
    }
    for (String value : request.parameters().getOrDefault("category", List.of())) {
      for (String option : value.split(",")) {
        if (option.toLowerCase(Locale.ROOT).endsWith("vital-signs")) {
          return true;
        }
      }
    }
    return false;
  }
}
