package io.vitalflow.fhir.http;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.everything.PatientEverything;
import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.search.SearchRequest;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.validation.ResourceValidator;
import io.vitalflow.fhir.vitals.VitalObservations;
import io.vitalflow.web.security.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The FHIR R4 interactions beyond read/search/create/update/delete (issue 16): conditional update
 * and delete, patch (JSON Patch and FHIRPath Patch, also conditional), {@code $validate} and {@code
 * Patient/[id]/$everything}. Kept apart from {@link FhirController} so that each stays small; the
 * same checks apply: scopes ({@link Access}), what the caller may see (the store's and the search's
 * {@code Visibility}), the patients named for the audit trail ({@link AuditDetails}).
 */
@RestController
final class InteractionsController {

  /** Query parameters that are about the response, not the condition. */
  private static final Set<String> NOT_CONDITION = Set.of("_format", "_pretty");

  private final FhirProperties properties;
  private final ResourceStore store;
  private final FhirWrites writes;
  private final ResourceWrites resourceWrites;
  private final ResourceParser parser;
  private final ResourceValidator validator;
  private final PatientEverything everything;
  private final VitalObservations vitals;
  private final Patches patches;

  InteractionsController(
      FhirProperties properties,
      ResourceStore store,
      FhirWrites writes,
      ResourceWrites resourceWrites,
      ResourceParser parser,
      ResourceValidator validator,
      PatientEverything everything,
      VitalObservations vitals,
      Patches patches) {
    this.properties = properties;
    this.store = store;
    this.writes = writes;
    this.resourceWrites = resourceWrites;
    this.parser = parser;
    this.validator = validator;
    this.everything = everything;
    this.vitals = vitals;
    this.patches = patches;
  }

  // --- conditional update and delete

  @PutMapping("/fhir/{type}")
  Mono<ResponseEntity<String>> conditionalUpdate(
      @PathVariable String type,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    Map<String, List<String>> condition = condition(request, "update");
    IBaseResource resource = parseSingle(body, request, type);
    AuditDetails.of(request)
        .patientsOf(
            () -> PatientCompartment.patients(resource, resource.getIdElement().getIdPart()));
    Long ifMatch = WriteResponses.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
    return resourceWrites
        .conditionalUpdate(type, condition, resource, ifMatch, FhirController.prefer(request))
        .map(answer -> answer.toResponse(base(request), format(request)));
  }

  @DeleteMapping("/fhir/{type}")
  Mono<ResponseEntity<String>> conditionalDelete(
      @PathVariable String type, ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    Map<String, List<String>> condition = condition(request, "delete");
    boolean audited = AuditDetails.of(request).recorded();
    return resourceWrites
        .conditionalDelete(
            type,
            condition,
            properties.conditionalDeleteMax(),
            FhirController.prefer(request),
            id ->
                audited
                    ? store
                        .currentAnyPatient(type, id)
                        .doOnNext(stored -> FhirController.audit(request, stored.json()))
                    : Mono.empty())
        .map(answer -> answer.toResponse(base(request), format(request)));
  }

  /** The search of a conditional interaction: its query without the format parameters. */
  private static Map<String, List<String>> condition(ServerHttpRequest request, String what) {
    Map<String, List<String>> condition = new LinkedHashMap<>();
    request
        .getQueryParams()
        .forEach(
            (name, values) -> {
              if (!NOT_CONDITION.contains(name)) {
                condition.put(name, values);
              }
            });
    if (condition.isEmpty()) {
      throw FhirError.badRequest(
          "A conditional "
              + what
              + " needs search parameters, e.g. ?identifier=system|value; to "
              + what
              + " one resource use its id in the URL");
    }
    return condition;
  }

  // --- patch

  @PatchMapping("/fhir/{type}/{id}")
  Mono<ResponseEntity<String>> patch(
      @PathVariable String type,
      @PathVariable String id,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    ResourceTypes.requireWritableId(type, id);
    Patches.Patch patch = patchOf(body, request);
    Long ifMatch = WriteResponses.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
    return Access.require(type, Interaction.UPDATE)
        .then(patch(type, id, patch, ifMatch, request))
        .map(answer -> answer.toResponse(base(request), format(request)));
  }

  /** Conditional patch, {@code PATCH [type]?condition}: the one match is patched. */
  @PatchMapping("/fhir/{type}")
  Mono<ResponseEntity<String>> conditionalPatch(
      @PathVariable String type,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    writes.requireWritable();
    Map<String, List<String>> condition = condition(request, "patch");
    Patches.Patch patch = patchOf(body, request);
    Long ifMatch = WriteResponses.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
    return Access.require(type, Interaction.UPDATE)
        .then(Access.require(type, Interaction.SEARCH))
        .then(resourceWrites.findIds(type, condition, 2))
        .flatMap(
            ids ->
                switch (ids.size()) {
                  case 0 ->
                      Mono.error(
                          FhirError.notFound("A " + type + " matching the patch's condition"));
                  case 1 -> patch(type, ids.get(0), patch, ifMatch, request);
                  default ->
                      Mono.error(
                          new FhirError(
                              HttpStatus.PRECONDITION_FAILED,
                              IssueType.MULTIPLEMATCHES,
                              "The condition matches more than one "
                                  + type
                                  + ": a conditional patch needs it to select one"));
                })
        .map(answer -> answer.toResponse(base(request), format(request)));
  }

  private Patches.Patch patchOf(String body, ServerHttpRequest request) {
    if (body != null) {
      tooLarge(body);
    }
    return patches.of(body, request.getHeaders().getContentType());
  }

  /**
   * Reads the current version, applies the patch, checks the result like the body of a PUT and
   * writes it as an update of that version. With the client's {@code If-Match} a changed resource
   * is a 412; without, a concurrent change is met by patching the new version (up to 3 times).
   */
  private Mono<Answer> patch(
      String type, String id, Patches.Patch patch, Long ifMatch, ServerHttpRequest request) {
    Prefer prefer = FhirController.prefer(request);
    return Mono.defer(
            () ->
                store
                    .currentAnyPatient(type, id)
                    .filter(stored -> !stored.deleted())
                    .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)))
                    .flatMap(
                        stored -> {
                          if (ifMatch != null && ifMatch != stored.versionId()) {
                            return Mono.error(
                                new FhirError(
                                    HttpStatus.PRECONDITION_FAILED,
                                    IssueType.CONFLICT,
                                    "If-Match asks for version "
                                        + ifMatch
                                        + " but the current version is "
                                        + stored.versionId()));
                          }
                          FhirController.audit(request, stored.json());
                          IBaseResource patched = patches.applied(type, id, patch, stored);
                          return resourceWrites.update(
                              type, id, patched, stored.versionId(), prefer);
                        }))
        .retryWhen(
            Retry.fixedDelay(ifMatch == null ? 3 : 0, Duration.ofMillis(20))
                .filter(
                    e -> e instanceof FhirError f && f.status() == HttpStatus.PRECONDITION_FAILED)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  // --- $validate

  @PostMapping("/fhir/{type}/$validate")
  Mono<ResponseEntity<String>> validate(
      @PathVariable String type,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    return Access.require(type, Interaction.READ)
        .then(Mono.defer(() -> validateBody(type, null, body, request)));
  }

  @PostMapping("/fhir/{type}/{id}/$validate")
  Mono<ResponseEntity<String>> validateInstance(
      @PathVariable String type,
      @PathVariable String id,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    ResourceTypes.require(type);
    if (body != null && !body.isBlank()) {
      return Access.require(type, Interaction.READ)
          .then(Mono.defer(() -> validateBody(type, id, body, request)));
    }
    // no body: the stored resource, if the caller may read it
    return Access.require(type, Interaction.READ)
        .then(store.current(type, id))
        .filter(stored -> !stored.deleted())
        .switchIfEmpty(Mono.error(() -> FhirError.notFound(type + "/" + id)))
        .doOnNext(stored -> FhirController.audit(request, stored.json()))
        .flatMap(
            stored ->
                validated(FhirFormat.FHIR.newJsonParser().parseResource(stored.json()), request));
  }

  /**
   * The resource in the body (or in the {@code resource} parameter of a {@code Parameters} body):
   * problems the strict parser finds are the outcome's errors; a parseable resource goes to the
   * profile validator. 200 either way: the outcome is the answer. A body that is not FHIR at all is
   * a 400.
   */
  private Mono<ResponseEntity<String>> validateBody(
      String type, String id, String body, ServerHttpRequest request) {
    tooLarge(body);
    FhirFormat format = FhirFormat.ofBody(request.getHeaders().getContentType());
    IBaseResource resource;
    try {
      resource = parser.parse(body, format, null);
      if (resource instanceof Parameters parameters && !type.equals("Parameters")) {
        resource = parameterResource(parameters);
      }
      String actual = FhirFormat.FHIR.getResourceType(resource);
      if (!actual.equals(type)) {
        throw FhirError.badRequest("The body is a " + actual + " but the URL is for " + type);
      }
      if (id != null
          && resource.getIdElement().getIdPart() != null
          && !id.equals(resource.getIdElement().getIdPart())) {
        throw FhirError.badRequest(
            "The resource id '"
                + resource.getIdElement().getIdPart()
                + "' differs from the id in the URL '"
                + id
                + "'");
      }
    } catch (FhirError e) {
      if (e.status() != HttpStatus.UNPROCESSABLE_CONTENT) {
        throw e;
      }
      // the strict parser's findings are the answer, for a resource of the URL's type
      String actual = FhirFormat.FHIR.getResourceType(format.parser().parseResource(body));
      if (!actual.equals(type) && !actual.equals("Parameters")) {
        throw FhirError.badRequest("The body is a " + actual + " but the URL is for " + type);
      }
      return Mono.just(outcome(Outcomes.json(IssueSeverity.ERROR, e.code(), e.details()), request));
    }
    IBaseResource checked = resource;
    AuditDetails.of(request).patientsOf(() -> PatientCompartment.patients(checked, id));
    return validated(checked, request);
  }

  private static IBaseResource parameterResource(Parameters parameters) {
    for (ParametersParameterComponent parameter : parameters.getParameter()) {
      if (parameter.getName().equals("resource") && parameter.getResource() != null) {
        return parameter.getResource();
      }
    }
    throw FhirError.badRequest("A Parameters body of $validate needs a 'resource' parameter");
  }

  private Mono<ResponseEntity<String>> validated(
      IBaseResource resource, ServerHttpRequest request) {
    return validator
        .validate(resource)
        .map(
            validated ->
                outcome(
                    FhirFormat.FHIR.newJsonParser().encodeResourceToString(validated.outcome()),
                    request));
  }

  private static ResponseEntity<String> outcome(String json, ServerHttpRequest request) {
    FhirFormat format = format(request);
    return ResponseEntity.ok().contentType(format.mediaType()).body(format.fromJson(json));
  }

  // --- $everything

  @GetMapping("/fhir/Patient/{id}/$everything")
  Mono<ResponseEntity<String>> everything(@PathVariable String id, ServerHttpRequest request) {
    MultiValueMap<String, String> query = request.getQueryParams();
    int count =
        Math.min(
            integer(query.getFirst("_count"), properties.defaultPageSize(), "_count"),
            properties.maxPageSize());
    int offset = integer(query.getFirst("_offset"), 0, "_offset");
    Set<String> types = new LinkedHashSet<>();
    for (String value : query.getOrDefault("_type", List.of())) {
      for (String type : value.split(",")) {
        if (!type.isBlank()) {
          ResourceTypes.require(type.trim());
          types.add(type.trim());
        }
      }
    }
    Instant since = FhirController.since(request);
    boolean sinceGiven = query.getFirst("_since") != null && !query.getFirst("_since").isBlank();
    return Access.require("Patient", Interaction.READ)
        .then(store.current("Patient", id))
        .filter(stored -> !stored.deleted())
        .switchIfEmpty(Mono.error(() -> FhirError.notFound("Patient/" + id)))
        .then(everything.page(id, types, since, count, offset))
        .flatMap(
            page -> {
              boolean withVitals = types.isEmpty() || types.contains("Observation");
              int remaining = count - page.resources().size();
              if (!withVitals) {
                return Mono.just(
                    everythingBundle(
                        request, page.resources(), page.total(), offset, count, false));
              }
              Map<String, List<String>> parameters = new LinkedHashMap<>();
              parameters.put("patient", List.of(id));
              parameters.put("category", List.of("vital-signs"));
              if (sinceGiven) {
                parameters.put(
                    "date", List.of("ge" + new InstantType(Date.from(since)).getValueAsString()));
              }
              int vitalOffset = (int) Math.max(0, offset - page.total());
              return vitals
                  .search(
                      new SearchRequest(
                          "Observation", parameters, Math.max(remaining, 0), vitalOffset, false))
                  .map(
                      readings -> {
                        List<String> all = new ArrayList<>(page.resources());
                        all.addAll(readings.matches());
                        Long total =
                            readings.total() == null ? null : page.total() + readings.total();
                        boolean more =
                            offset + page.resources().size() < page.total()
                                || readings.hasMore()
                                || (remaining <= 0 && (total == null || offset + count < total));
                        return everythingBundle(request, all, total, offset, count, more);
                      });
            });
  }

  /**
   * The same by POST (HAPI's client posts operations by default): the parameters stay in the URL; a
   * body may only be an empty {@code Parameters}.
   */
  @PostMapping("/fhir/Patient/{id}/$everything")
  Mono<ResponseEntity<String>> everythingByPost(
      @PathVariable String id,
      @RequestBody(required = false) String body,
      ServerHttpRequest request) {
    if (body != null && !body.isBlank()) {
      tooLarge(body);
      Parameters parameters =
          (Parameters)
              parser.parse(
                  body, FhirFormat.ofBody(request.getHeaders().getContentType()), "Parameters");
      if (!parameters.getParameter().isEmpty()) {
        throw FhirError.badRequest(
            "$everything takes its parameters (_count, _offset, _type, _since) in the URL;"
                + " a Parameters body must be empty");
      }
    }
    return everything(id, request);
  }

  private ResponseEntity<String> everythingBundle(
      ServerHttpRequest request,
      List<String> resources,
      Long total,
      int offset,
      int count,
      boolean more) {
    String base = base(request);
    // bounded: one page (AuditDetails keeps at most 1,000 patients)
    resources.forEach(json -> FhirController.audit(request, json));
    BundleJson bundle = new BundleJson("searchset", total);
    bundle.link("self", request.getURI().toString());
    if (more || total != null && offset + count < total) {
      bundle.link("next", FhirController.pageLink(request, offset + count, count));
    }
    if (offset > 0) {
      bundle.link("previous", FhirController.pageLink(request, Math.max(0, offset - count), count));
    }
    for (String json : resources) {
      bundle.entry(FhirController.fullUrl(base, json), json, "match", null, null);
    }
    FhirFormat format = format(request);
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .body(format.fromJson(bundle.finish()));
  }

  // --- helpers

  private static int integer(String value, int absent, String name) {
    return FhirController.integer(value, absent, name);
  }

  private IBaseResource parseSingle(String body, ServerHttpRequest request, String type) {
    return FhirController.parseSingle(parser, properties, body, request, type);
  }

  private void tooLarge(String body) {
    FhirController.tooLarge(properties, body);
  }

  private static FhirFormat format(ServerHttpRequest request) {
    return FhirController.responseFormat(request);
  }

  private static String base(ServerHttpRequest request) {
    return FhirController.base(request);
  }
}
