package io.vitalflow.fhir.search;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One FHIR search as the HTTP layer hands it on.
 *
 * @param resourceType e.g. {@code Patient}
 * @param parameters every query parameter except the paging and format ones ({@code _count}, {@code
 *     _offset}, {@code _format}, {@code _pretty}), in request order; a parameter may repeat (AND)
 *     and a value may hold commas (OR)
 * @param count page size, at least 0 ({@code _count=0} asks for the total only)
 * @param offset how many matches to skip
 * @param strict {@code Prefer: handling=strict}: unknown parameters are an error instead of being
 *     ignored
 */
public record SearchRequest(
    String resourceType,
    Map<String, List<String>> parameters,
    int count,
    int offset,
    boolean strict) {

  public SearchRequest {
    Objects.requireNonNull(resourceType, "resourceType");
    parameters = Map.copyOf(parameters);
    if (count < 0 || offset < 0) {
      throw new IllegalArgumentException("count and offset must not be negative");
    }
  }
}
