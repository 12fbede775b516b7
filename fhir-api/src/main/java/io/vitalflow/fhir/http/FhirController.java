package io.vitalflow.fhir.http;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.command.VersionStamp;
import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.search.SearchResult;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.fhir.vitals.VitalObservations;
import io.vitalflow.web.security.Interaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The FHIR R4 REST interactions on resources: read, vread, history, search, create (also
 * conditional), update (also as create), delete. Writes become commands on Kafka; reads come from
 * PostgreSQL.
 */
@RestController
final class FhirController {

  /** Query parameters that are about the response, not the search. */
  private static final Set<String> NOT_SEARCH = Set.of("_format", "_pretty", "_count", "_offset");

  private final FhirProperties properties;
  private final ResourceStore store;
  private final Searches searches;
  private final VitalObservations vitals;
  private final FhirWrites writes;
  private final ResourceWrites resourceWrites;
  private final ResourceParser parser;

  FhirController(
      FhirProperties properties,
      ResourceStore store,
      Searches searches,
      VitalObservations vitals,
      FhirWrites writes,
      ResourceWrites resourceWrites,
      ResourceParser parser) {
    this.properties = properties;
    this.store = store;
    this.searches = searches;
    this.vitals = vitals;
    this.writes = writes;
    this.resourceWrites = resourceWrites;
    this.parser = parser;
  }

  @GetMapping("/fhir/{type}/{id}")
  Mono<ResponseEntity<String>> read(
      @PathVariable String type, @PathVariable String id, ServerHttpRequest request) {
    ResourceTypes.require(type);
    FhirFormat format = responseFormat(request);
    return Access.require(type, Interaction.READ)
        .then(Mono.defer(() -> read(type, id, request, format)));
  }

  private Mono<ResponseEntity<String>> read(
      String type, String id, ServerHttpRequest request, FhirFormat format) {
    if (type.equals("Observation") && VitalObservations.isVitalId(id)) {
      return vitals
          .read(id)
          .doOnNext(json -> audit(request, json))
          .map(
              json ->
                  ResponseEntity.ok().contentType(format.mediaType()).body(format.fromJson(json)))
          .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)));
    }
    // a Patient is its own compartment, and the audit trail already names it from the path
    // (AuditRequests): its JSON need not be read for that
    boolean named = type.equals("Patient");
    return store
        .current(type, id)
        .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)))
        .doOnNext(
            stored -> {
              if (!named) {
                audit(request, stored.json());
              }
            })
        .map(stored -> notModifiedOr(request, stored, format));
  }

  /** Conditional read: 304 without a body when the client's copy is current. */
  private ResponseEntity<String> notModifiedOr(
      ServerHttpRequest request, StoredResource stored, FhirFormat format) {
    if (!stored.deleted() && WriteResponses.notModified(request.getHeaders(), stored)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
          .headers(
              WriteResponses.versionHeaders(
                  base(request),
                  stored.type(),
                  stored.id(),
                  stored.versionId(),
                  stored.lastUpdated(),
                  false))
          .build();
    }
    return WriteResponses.read(base(request), stored, format);
  }

  @GetMapping("/fhir/{type}/{id}/_history/{version}")
  Mono<ResponseEntity<String>> vread(
      @PathVariable String type,
      @PathVariable String id,
      @PathVariable String version,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    long versionId;
    try {
      versionId = Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw FhirError.notFound(type + "/" + id + "/_history/" + version);
    }
    return Access.require(type, Interaction.READ)
        .then(store.version(type, id, versionId))
        .switchIfEmpty(
            Mono.error(() -> FhirError.notFound(type + "/" + id + " version " + version)))
        .doOnNext(stored -> audit(request, stored.json()))
        .map(stored -> WriteResponses.read(base(request), stored, responseFormat(request)));
  }

  @GetMapping("/fhir/{type}/{id}/_history")
  Mono<ResponseEntity<String>> history(
      @PathVariable String type, @PathVariable String id, ServerHttpRequest request) {
    ResourceTypes.require(type);
    Paging paging = paging(request);
    Instant since = since(request);
    return Access.require(type, Interaction.READ)
        .thenMany(store.history(type, id, since, paging.count() + 1, paging.offset()))
        .collectList()
        .flatMap(
            versions ->
                versions.isEmpty() && paging.offset() == 0
                    ? store
                        .current(type, id)
                        .hasElement()
                        .map(
                            exists -> {
                              if (!exists) {
                                throw FhirError.notFound(type + "/" + id);
                              }
                              return versions;
                            })
                    : Mono.just(versions))
        .map(versions -> historyBundle(request, versions, paging));
  }

  @GetMapping("/fhir/{type}/_history")
  Mono<ResponseEntity<String>> typeHistory(@PathVariable String type, ServerHttpRequest request) {
    ResourceTypes.require(type);
    Paging paging = paging(request);
    return Access.require(type, Interaction.READ)
        .thenMany(store.typeHistory(type, since(request), paging.count() + 1, paging.offset()))
        .collectList()
        .map(versions -> historyBundle(request, versions, paging));
  }

  @GetMapping("/fhir/{type}")
  Mono<ResponseEntity<String>> search(@PathVariable String type, ServerHttpRequest request) {
    ResourceTypes.require(type);
    Paging paging = paging(request);
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    request
        .getQueryParams()
        .forEach(
            (name, values) -> {
              if (!NOT_SEARCH.contains(name)) {
                parameters.put(name, values);
              }
            });
    Prefer prefer = prefer(request);
    SearchRequest search =
        new SearchRequest(type, parameters, paging.count(), paging.offset(), prefer.strict());
    return Access.require(type, Interaction.SEARCH)
        .then(searches.search(search))
        .map(result -> searchBundle(request, result, paging));
  }

  /**
   * {@code POST [type]/_search} with a form body: the same search as a GET with the form's fields
   * added to the query string (paging links are then GET links).
   */
  @PostMapping("/fhir/{type}/_search")
  Mono<ResponseEntity<String>> searchByPost(
      @PathVariable String type, org.springframework.web.server.ServerWebExchange exchange) {
    ResourceTypes.require(type);
    ServerHttpRequest original = exchange.getRequest();
    return exchange
        .getFormData()
        .flatMap(
            form -> {
              StringBuilder query = new StringBuilder();
              String raw = original.getURI().getRawQuery();
              if (raw != null && !raw.isEmpty()) {
                query.append(raw);
              }
              form.forEach(
                  (name, values) ->
                      values.forEach(
                          value ->
                              query
                                  .append(query.isEmpty() ? "" : "&")
                                  .append(
                                      org.springframework.web.util.UriUtils.encodeQueryParam(
                                          name, StandardCharsets.UTF_8))
                                  .append('=')
                                  .append(
                                      org.springframework.web.util.UriUtils.encodeQueryParam(
                                          value, StandardCharsets.UTF_8))));
              java.net.URI uri =
                  UriComponentsBuilder.fromUri(original.getURI())
                      .replacePath(original.getURI().getRawPath().replaceFirst("/_search$", ""))
                      .replaceQuery(query.toString())
                      .build(true)
                      .toUri();
              return search(type, original.mutate().uri(uri).build());
            });
  }

  @PostMapping("/fhir/{type}")
  Mono<ResponseEntity<String>> create(
      @PathVariable String type,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    IBaseResource resource = parseSingle(body, request, type);
    AuditDetails.of(request).patientsOf(() -> PatientCompartment.patients(resource, null));
    return resourceWrites
        .create(type, resource, request.getHeaders().getFirst("If-None-Exist"), prefer(request))
        .map(answer -> answer.toResponse(base(request), responseFormat(request)));
  }

  @PutMapping("/fhir/{type}/{id}")
  Mono<ResponseEntity<String>> update(
      @PathVariable String type,
      @PathVariable String id,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    ResourceTypes.requireWritableId(type, id);
    IBaseResource resource = parseSingle(body, request, type);
    if (resource.getIdElement().getIdPart() == null) {
      // FHIR's update: "the resource SHALL have an id element which has an identical value to the
      // [id] in the URL"; accepting none would let a mistaken PUT overwrite any resource
      throw FhirError.badRequest(
          "The resource has no id: a PUT to " + type + "/" + id + " needs \"id\": \"" + id + "\"");
    }
    AuditDetails.of(request).patientsOf(() -> PatientCompartment.patients(resource, id));
    Long ifMatch = WriteResponses.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
    return resourceWrites
        .update(type, id, resource, ifMatch, prefer(request))
        .map(answer -> answer.toResponse(base(request), responseFormat(request)));
  }

  @DeleteMapping("/fhir/{type}/{id}")
  Mono<ResponseEntity<String>> delete(
      @PathVariable String type, @PathVariable String id, ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    Long ifMatch = WriteResponses.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
    // the patients of the version being deleted (read regardless of the caller's compartment: the
    // audit event names them even when the delete is refused); no read when nothing is audited, nor
    // for a Patient, which the audit trail names from the path (AuditRequests), as for a read
    Mono<?> named =
        AuditDetails.of(request).recorded() && !type.equals("Patient")
            ? store.currentAnyPatient(type, id).doOnNext(stored -> audit(request, stored.json()))
            : Mono.empty();
    return named
        .then(Mono.defer(() -> resourceWrites.delete(type, id, ifMatch, prefer(request))))
        .map(answer -> answer.toResponse(base(request), responseFormat(request)));
  }

  /** Names the patients whose compartment a resource the request read or changed is in. */
  static void audit(ServerHttpRequest request, String json) {
    AuditDetails.of(request).patientsOf(() -> PatientCompartment.patientsOfJson(json));
  }

  static Prefer prefer(ServerHttpRequest request) {
    return Prefer.parse(request.getHeaders().getOrEmpty("Prefer"));
  }

  private IBaseResource parseSingle(String body, ServerHttpRequest request, String type) {
    return parseSingle(parser, properties, body, request, type);
  }

  /**
   * One resource of a request body, in the request's format; 413 past {@code max-resource-bytes}
   * (also for the other controllers that take a resource).
   */
  static IBaseResource parseSingle(
      ResourceParser parser,
      FhirProperties properties,
      String body,
      ServerHttpRequest request,
      String type) {
    tooLarge(properties, body);
    return parser.parse(body, FhirFormat.ofBody(request.getHeaders().getContentType()), type);
  }

  /** 413 for a body past {@code max-resource-bytes}. */
  static void tooLarge(FhirProperties properties, String body) {
    if (body != null
        && body.length() > properties.maxResourceBytes() / 3
        && body.getBytes(StandardCharsets.UTF_8).length > properties.maxResourceBytes()) {
      throw new FhirError(
          HttpStatus.CONTENT_TOO_LARGE,
          IssueType.TOOCOSTLY,
          "A single resource may have at most " + properties.maxResourceBytes() + " bytes");
    }
  }

  /**
   * A search's entries: its matches, its includes, and (lenient handling) an OperationOutcome entry
   * naming the parameters it ignored; for plain searches and a batch's search entries alike.
   */
  static void searchEntries(BundleJson bundle, String base, SearchResult result) {
    for (String json : result.matches()) {
      bundle.entry(fullUrl(base, json), json, "match", null, null);
    }
    for (String json : result.includes()) {
      bundle.entry(fullUrl(base, json), json, "include", null, null);
    }
    if (!result.ignoredParameters().isEmpty()) {
      List<String> ignored = new ArrayList<>();
      for (String name : result.ignoredParameters()) {
        ignored.add("Unknown search parameter '" + name + "' was ignored");
      }
      bundle.entry(
          null,
          Outcomes.json(IssueSeverity.WARNING, IssueType.NOTSUPPORTED, ignored),
          "outcome",
          null,
          null);
    }
  }

  private ResponseEntity<String> searchBundle(
      ServerHttpRequest request, SearchResult result, Paging paging) {
    String base = base(request);
    // bounded: one page of matches and its includes (AuditDetails keeps at most 1,000 patients)
    result.matches().forEach(json -> audit(request, json));
    result.includes().forEach(json -> audit(request, json));
    BundleJson bundle = new BundleJson("searchset", result.total());
    bundle.link("self", request.getURI().toString());
    // a page of no entries (_count=0) has no next page: it would be this one again
    if (result.hasMore() && paging.count() > 0) {
      bundle.link("next", pageLink(request, paging.offset() + paging.count(), paging.count()));
    }
    if (paging.offset() > 0) {
      bundle.link(
          "previous",
          pageLink(request, Math.max(0, paging.offset() - paging.count()), paging.count()));
    }
    searchEntries(bundle, base, result);
    FhirFormat format = responseFormat(request);
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .body(format.fromJson(bundle.finish()));
  }

  private ResponseEntity<String> historyBundle(
      ServerHttpRequest request, List<StoredResource> versions, Paging paging) {
    String base = base(request);
    boolean more = versions.size() > paging.count();
    List<StoredResource> page = more ? versions.subList(0, paging.count()) : versions;
    page.forEach(v -> audit(request, v.json()));
    BundleJson bundle =
        new BundleJson("history", more || paging.offset() > 0 ? null : (long) page.size());
    bundle.link("self", request.getURI().toString());
    if (more) {
      bundle.link("next", pageLink(request, paging.offset() + paging.count(), paging.count()));
    }
    for (StoredResource v : page) {
      String url = v.type() + "/" + v.id();
      String method = v.deleted() ? "DELETE" : v.versionId() == 1 ? "POST" : "PUT";
      bundle.entry(
          base + "/" + url,
          v.json(),
          null,
          new BundleJson.Request(method, v.versionId() == 1 && !v.deleted() ? v.type() : url),
          new BundleJson.Response(
              v.deleted() ? "200 OK" : v.versionId() == 1 ? "201 Created" : "200 OK",
              null,
              WriteResponses.etag(v.versionId()),
              VersionStamp.instant(v.lastUpdated()),
              null));
    }
    FhirFormat format = responseFormat(request);
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .body(format.fromJson(bundle.finish()));
  }

  static String fullUrl(String base, String json) {
    String[] typeAndId = BundleJson.typeAndId(json);
    return typeAndId[0] == null || typeAndId[1] == null
        ? null
        : base + "/" + typeAndId[0] + "/" + typeAndId[1];
  }

  static String pageLink(ServerHttpRequest request, int offset, int count) {
    return UriComponentsBuilder.fromUri(request.getURI())
        .replaceQueryParam("_offset", offset)
        .replaceQueryParam("_count", count)
        .build()
        .toUriString();
  }

  record Paging(int count, int offset) {}

  private Paging paging(ServerHttpRequest request) {
    MultiValueMap<String, String> query = request.getQueryParams();
    int count = integer(query.getFirst("_count"), properties.defaultPageSize(), "_count");
    int offset = integer(query.getFirst("_offset"), 0, "_offset");
    return new Paging(Math.min(count, properties.maxPageSize()), offset);
  }

  /** A non-negative whole-number parameter, {@code absent} when not given; 400 otherwise. */
  static int integer(String value, int absent, String name) {
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 0) {
        throw FhirError.badRequest(name + " must not be negative: " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw FhirError.badRequest(name + " must be a whole number: " + value);
    }
  }

  static Instant since(ServerHttpRequest request) {
    String since = request.getQueryParams().getFirst("_since");
    if (since == null || since.isBlank()) {
      return Instant.EPOCH;
    }
    try {
      return new org.hl7.fhir.r4.model.InstantType(since).getValue().toInstant();
    } catch (RuntimeException e) {
      throw FhirError.badRequest(
          "_since must be a FHIR instant such as 2026-01-01T00:00:00Z: " + since);
    }
  }

  static FhirFormat responseFormat(ServerHttpRequest request) {
    return FhirFormat.ofResponse(
        request.getQueryParams().getFirst("_format"), request.getHeaders().getAccept());
  }

  /** The server's base URL as the client reached it, e.g. {@code http://host:8082/fhir}. */
  static String base(ServerHttpRequest request) {
    return UriComponentsBuilder.fromUri(request.getURI())
        .replacePath("/fhir")
        .replaceQuery(null)
        .build()
        .toUriString();
  }
}
