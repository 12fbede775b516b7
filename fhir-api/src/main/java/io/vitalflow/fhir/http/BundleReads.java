package io.vitalflow.fhir.http;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.fhir.vitals.VitalObservations;
import io.vitalflow.web.security.Interaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * The {@code GET} entries of a batch or transaction: read ({@code Type/id}), vread ({@code
 * Type/id/_history/n}) and search ({@code Type?params}, {@code Type}). Each runs as the plain
 * interaction does: the same scope check ({@link Access}), the same store and search code, so the
 * caller's patient compartment ({@code search.Visibility}) applies, and the patients of what is
 * returned are named for the audit event. The URL may be absolute on this server's base.
 */
final class BundleReads {

  /** Query parameters that are about the response, not the search (as for a plain search). */
  private static final Set<String> NOT_SEARCH = Set.of("_format", "_pretty", "_count", "_offset");

  private final FhirProperties properties;
  private final ResourceStore store;
  private final Searches searches;
  private final VitalObservations vitals;

  BundleReads(
      FhirProperties properties, ResourceStore store, Searches searches, VitalObservations vitals) {
    this.properties = properties;
    this.store = store;
    this.searches = searches;
    this.vitals = vitals;
  }

  /** An entry URL taken apart: path segments (the first a resource type) and query. */
  private record Target(String[] segments, String query) {

    static Target of(String url, String base) {
      String relative = url.startsWith(base + "/") ? url.substring(base.length() + 1) : url;
      if (relative.startsWith("/")) {
        relative = relative.substring(1);
      }
      int question = relative.indexOf('?');
      String path = question < 0 ? relative : relative.substring(0, question);
      String query = question < 0 ? "" : relative.substring(question + 1);
      String[] segments = path.split("/", -1);
      ResourceTypes.require(segments[0]);
      if (segments.length == 1
          || segments.length == 2 && !segments[1].isEmpty()
          || segments.length == 4 && segments[2].equals("_history") && !segments[1].isEmpty()) {
        return new Target(segments, query);
      }
      throw FhirError.badRequest(
          "A GET entry reads (Type/id), reads a version (Type/id/_history/n) or searches"
              + " (Type?parameters); '"
              + bounded(url)
              + "' is none of these");
    }
  }

  /** The resource type a GET entry URL reads or searches; 400 for a URL that is neither. */
  static String typeOf(String url, String base) {
    return Target.of(url, base).segments()[0];
  }

  /** Whether a GET entry URL is a search (as opposed to a read or vread). */
  static boolean isSearch(String url, String base) {
    return Target.of(url, base).segments().length == 1;
  }

  Mono<Answer> get(String url, String base, Prefer prefer, AuditDetails audit) {
    Target target = Target.of(url, base);
    String[] segments = target.segments();
    String type = segments[0];
    return switch (segments.length) {
      case 1 -> search(type, target.query(), base, prefer, audit);
      case 2 -> read(type, segments[1], audit);
      default -> vread(type, segments[1], segments[3], audit);
    };
  }

  private Mono<Answer> read(String type, String id, AuditDetails audit) {
    if (type.equals("Observation") && VitalObservations.isVitalId(id)) {
      // a reading of the vitals tables, read as a plain GET reads it
      return Access.require(type, Interaction.READ)
          .then(Mono.defer(() -> vitals.read(id)))
          .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)))
          .map(
              json -> {
                audit.patientsOf(() -> PatientCompartment.patientsOfJson(json));
                return new Answer(HttpStatus.OK, type, id, null, null, json);
              });
    }
    return Access.require(type, Interaction.READ)
        .then(Mono.defer(() -> store.current(type, id)))
        .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)))
        .map(stored -> found(stored, audit));
  }

  private Mono<Answer> vread(String type, String id, String version, AuditDetails audit) {
    long versionId;
    try {
      versionId = Long.parseLong(version);
    } catch (NumberFormatException e) {
      return Mono.error(FhirError.notFound(type + "/" + id + "/_history/" + bounded(version)));
    }
    return Access.require(type, Interaction.READ)
        .then(Mono.defer(() -> store.version(type, id, versionId)))
        .switchIfEmpty(
            Mono.error(() -> FhirError.notFound(type + "/" + id + " version " + versionId)))
        .map(stored -> found(stored, audit));
  }

  private static Answer found(StoredResource stored, AuditDetails audit) {
    audit.patientsOf(() -> PatientCompartment.patientsOfJson(stored.json()));
    if (stored.deleted()) {
      throw new FhirError(
          HttpStatus.GONE, IssueType.DELETED, stored.type() + "/" + stored.id() + " was deleted");
    }
    return new Answer(
        HttpStatus.OK,
        stored.type(),
        stored.id(),
        stored.versionId(),
        stored.lastUpdated(),
        stored.json());
  }

  private Mono<Answer> search(
      String type, String query, String base, Prefer prefer, AuditDetails audit) {
    Map<String, List<String>> all = parameters(query);
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    all.forEach(
        (name, values) -> {
          if (!NOT_SEARCH.contains(name)) {
            parameters.put(name, values);
          }
        });
    int count =
        Math.min(number(all, "_count", properties.defaultPageSize()), properties.maxPageSize());
    int offset = number(all, "_offset", 0);
    SearchRequest request = new SearchRequest(type, parameters, count, offset, prefer.strict());
    return Access.require(type, Interaction.SEARCH)
        .then(Mono.defer(() -> searches.search(request)))
        .map(
            result ->
                new Answer(
                    HttpStatus.OK,
                    null,
                    null,
                    null,
                    null,
                    searchset(result, base, type, query, audit)));
  }

  private static String searchset(
      SearchResult result, String base, String type, String query, AuditDetails audit) {
    result
        .matches()
        .forEach(json -> audit.patientsOf(() -> PatientCompartment.patientsOfJson(json)));
    result
        .includes()
        .forEach(json -> audit.patientsOf(() -> PatientCompartment.patientsOfJson(json)));
    BundleJson bundle = new BundleJson("searchset", result.total());
    bundle.link("self", base + "/" + type + (query.isEmpty() ? "" : "?" + query));
    FhirController.searchEntries(bundle, base, result);
    return bundle.finish();
  }

  private static String fullUrl(String base, String json) {
    String[] typeAndId = BundleJson.typeAndId(json);
    return typeAndId[0] == null || typeAndId[1] == null
        ? null
        : base + "/" + typeAndId[0] + "/" + typeAndId[1];
  }

  /** The query of an entry URL, decoded; a raw {@code |} or space is taken as is. */
  static Map<String, List<String>> parameters(String query) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw FhirError.badRequest("The entry URL has a malformed %-escape: '" + bounded(text) + "'");
    }
  }

  private static int number(Map<String, List<String>> parameters, String name, int absent) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty() || values.get(0).isBlank()) {
      return absent;
    }
    try {
      int value = Integer.parseInt(values.get(0).trim());
      if (value < 0) {
        throw FhirError.badRequest(name + " must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw FhirError.badRequest(name + " must be a whole number: " + bounded(values.get(0)));
    }
  }

  private static String bounded(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
