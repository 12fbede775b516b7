package io.vitalflow.fhir.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /fhir} with a {@code batch} or {@code transaction} Bundle.
 *
 * <p>A batch runs every entry on its own, like the single-resource interactions, and reports each entry's
 * outcome. A transaction resolves its ids first ({@code urn:uuid:} full URLs, conditional creates,
 * conditional references such as {@code Practitioner?identifier=...}), rewrites the references between its
 * entries, checks {@code If-Match} preconditions, and then sends all commands in one Kafka transaction, so
 * the command processor sees all of them or none. The processor still decides each command on its own: a
 * precondition that changes between the check here and the processing (a concurrent writer) fails that
 * entry alone; the response then says which entries did not apply.
 */
@RestController
final class BundleController {

  private static final Pattern TYPE_AND_ID = Pattern.compile("^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");
  private static final Pattern CONDITIONAL = Pattern.compile("^([A-Z][A-Za-z]+)\\?(.+)$");
  private static final int BATCH_CONCURRENCY = 256;

  private final FhirProperties properties;
  private final FhirWrites writes;
  private final ResourceWrites resourceWrites;
  private final Searches searches;
  private final ResourceStore store;
  private final ResourceParser parser;

  BundleController(FhirProperties properties, FhirWrites writes, ResourceWrites resourceWrites, Searches searches,
      ResourceStore store, ResourceParser parser) {
    this.properties = properties;
    this.writes = writes;
    this.resourceWrites = resourceWrites;
    this.searches = searches;
    this.store = store;
    this.parser = parser;
  }

  @PostMapping({"/fhir", "/fhir/"})
  Mono<ResponseEntity<String>> post(@RequestBody(required = false) String body, ServerHttpRequest request) {
    writes.requireWritable();
    if (body != null && body.length() > properties.maxBundleBytes()) {
      throw new FhirError(HttpStatus.CONTENT_TOO_LARGE, IssueType.TOOCOSTLY, "A Bundle may have at most "
          + properties.maxBundleBytes() + " bytes");
    }
    IBaseResource parsed = parser.parse(body, FhirFormat.ofBody(request.getHeaders().getContentType()),
        "Bundle");
    Bundle bundle = (Bundle) parsed;
    Prefer prefer = Prefer.parse(request.getHeaders().getOrEmpty("Prefer"));
    String base = FhirController.base(request);
    FhirFormat format = FhirController.responseFormat(request);
    Mono<String> response = switch (bundle.getType() == null ? BundleType.NULL : bundle.getType()) {
      case BATCH -> batch(bundle, prefer, base);
      case TRANSACTION -> transaction(bundle, prefer, base);
      default -> Mono.error(FhirError.badRequest("POST to the base URL takes a Bundle of type batch or transaction,"
          + " not " + (bundle.getType() == null ? "none" : bundle.getType().toCode())));
    };
    return response.map(json -> ResponseEntity.ok().contentType(format.mediaType()).body(format.fromJson(json)));
  }

  // ---- batch

  private Mono<String> batch(Bundle bundle, Prefer prefer, String base) {
    return Flux.fromIterable(bundle.getEntry())
        .flatMapSequential(entry -> batchEntry(entry, prefer)
            .onErrorResume(FhirError.class, error -> Mono.just(failed(error)))
            .onErrorResume(io.vitalflow.fhir.search.InvalidSearchException.class,
                error -> Mono.just(failed(FhirError.badRequest(error.getMessage())))), BATCH_CONCURRENCY)
        .collectList()
        .map(answers -> responseBundle(BundleType.BATCHRESPONSE, answers, base, prefer));
  }

  /** An entry that failed: its status and OperationOutcome. */
  private static Answer failed(FhirError error) {
    return new Answer(error.status(), null, null, null, null, Outcomes.error(error));
  }

  private Mono<Answer> batchEntry(BundleEntryComponent entry, Prefer prefer) {
    HTTPVerb method = entry.getRequest().getMethod();
    String url = entry.getRequest().getUrl();
    if (method == null || url == null || url.isBlank()) {
      return Mono.error(FhirError.badRequest("Every entry needs request.method and request.url"));
    }
    Resource resource = entry.getResource();
    return switch (method) {
      case POST -> {
        String type = typeOfCollectionUrl(url);
        requireResource(resource, type);
        yield resourceWrites.create(type, resource, blankToNull(entry.getRequest().getIfNoneExist()), prefer);
      }
      case PUT -> {
        String[] typeAndId = typeAndId(url);
        requireResource(resource, typeAndId[0]);
        yield resourceWrites.update(typeAndId[0], typeAndId[1], resource,
            WriteResponses.ifMatch(entry.getRequest().getIfMatch()), prefer);
      }
      case DELETE -> {
        String[] typeAndId = typeAndId(url);
        yield resourceWrites.delete(typeAndId[0], typeAndId[1], WriteResponses.ifMatch(entry.getRequest().getIfMatch()),
            prefer);
      }
      case GET -> {
        String[] typeAndId = typeAndId(url);
        yield store.current(typeAndId[0], typeAndId[1])
            .switchIfEmpty(Mono.error(() -> FhirError.notFound(typeAndId[0] + "/" + typeAndId[1])))
            .map(stored -> {
              if (stored.deleted()) {
                throw new FhirError(HttpStatus.GONE, IssueType.DELETED, stored.type() + "/" + stored.id()
                    + " was deleted");
              }
              return new Answer(HttpStatus.OK, stored.type(), stored.id(), stored.versionId(), stored.lastUpdated(),
                  stored.json());
            });
      }
      default -> Mono.error(new FhirError(HttpStatus.METHOD_NOT_ALLOWED, IssueType.NOTSUPPORTED,
          "Entry method " + method.toCode() + " is not supported"));
    };
  }

  // ---- transaction

  /** One write of a transaction after ids are resolved; {@code existing} when a conditional create found it. */
  private record Planned(BundleEntryComponent entry, FhirOperation operation, String type, String id, Long ifMatch,
      String ifNoneExist, Answer existing) {
  }

  private Mono<String> transaction(Bundle bundle, Prefer prefer, String base) {
    List<Mono<Planned>> plans = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      plans.add(plan(entry));
    }
    return Flux.concat(plans).collectList()
        .flatMap(planned -> resolveReferences(bundle, planned).thenReturn(planned))
        .flatMap(planned -> checkPreconditions(planned).thenReturn(planned))
        .flatMap(planned -> apply(planned, prefer, base));
  }

  private Mono<Planned> plan(BundleEntryComponent entry) {
    HTTPVerb method = entry.getRequest().getMethod();
    String url = entry.getRequest().getUrl();
    if (method == null || url == null || url.isBlank()) {
      return Mono.error(FhirError.badRequest("Every entry needs request.method and request.url"));
    }
    Long ifMatch = WriteResponses.ifMatch(entry.getRequest().getIfMatch());
    Resource resource = entry.getResource();
    switch (method) {
      case POST -> {
        String type = typeOfCollectionUrl(url);
        requireResource(resource, type);
        String ifNoneExist = blankToNull(entry.getRequest().getIfNoneExist());
        if (ifNoneExist == null) {
          return Mono.just(new Planned(entry, FhirOperation.CREATE, type, UUID.randomUUID().toString(), null, null,
              null));
        }
        Map<String, List<String>> condition = Conditions.parse(ifNoneExist);
        return searches.findIds(type, condition, 2).flatMap(ids -> switch (ids.size()) {
          case 0 -> Mono.just(new Planned(entry, FhirOperation.CREATE, type, Conditions.idFor(type, condition), null,
              Conditions.canonical(condition), null));
          case 1 -> store.current(type, ids.get(0)).map(stored -> new Planned(entry, null, type, stored.id(), null,
              null, new Answer(HttpStatus.OK, type, stored.id(), stored.versionId(), stored.lastUpdated(),
                  stored.json())));
          default -> Mono.error(new FhirError(HttpStatus.PRECONDITION_FAILED, IssueType.DUPLICATE,
              "ifNoneExist '" + ifNoneExist + "' matches more than one " + type));
        });
      }
      case PUT -> {
        String[] typeAndId = typeAndId(url);
        requireResource(resource, typeAndId[0]);
        ResourceTypes.requireWritableId(typeAndId[0], typeAndId[1]);
        return Mono.just(new Planned(entry, FhirOperation.UPDATE, typeAndId[0], typeAndId[1], ifMatch, null, null));
      }
      case DELETE -> {
        String[] typeAndId = typeAndId(url);
        ResourceTypes.requireWritableId(typeAndId[0], typeAndId[1]);
        return Mono.just(new Planned(entry, FhirOperation.DELETE, typeAndId[0], typeAndId[1], ifMatch, null, null));
      }
      default -> {
        return Mono.error(new FhirError(HttpStatus.METHOD_NOT_ALLOWED, IssueType.NOTSUPPORTED,
            "Entry method " + method.toCode() + " is not supported in a transaction (POST, PUT and DELETE are)"));
      }
    }
  }

  /**
   * Gives every entry's full URL its new {@code Type/id} and rewrites references: to entries of the bundle,
   * and conditional ones ({@code Type?search}) to the single resource they match.
   */
  private Mono<Void> resolveReferences(Bundle bundle, List<Planned> planned) {
    Map<String, String> targets = new HashMap<>();
    for (Planned p : planned) {
      String fullUrl = p.entry().getFullUrl();
      if (fullUrl != null && !fullUrl.isBlank() && p.entry().getResource() != null) {
        targets.put(fullUrl, p.type() + "/" + p.id());
      }
    }
    List<Reference> references = new ArrayList<>();
    Set<String> conditional = new LinkedHashSet<>();
    for (Planned p : planned) {
      Resource resource = p.entry().getResource();
      if (resource == null || p.existing() != null) {
        continue;
      }
      for (Reference reference : FhirFormat.FHIR.newTerser().getAllPopulatedChildElementsOfType(resource,
          Reference.class)) {
        String target = reference.getReference();
        if (target == null || target.startsWith("#")) {
          continue;
        }
        references.add(reference);
        if (!targets.containsKey(target) && CONDITIONAL.matcher(target).matches()) {
          conditional.add(target);
        }
      }
    }
    return Flux.fromIterable(conditional)
        .flatMap(query -> {
          Matcher m = CONDITIONAL.matcher(query);
          m.matches();
          String type = m.group(1);
          return searches.findIds(type, Conditions.parse(m.group(2)), 2).map(ids -> {
            if (ids.size() != 1) {
              throw new FhirError(HttpStatus.PRECONDITION_FAILED, IssueType.NOTFOUND, "The conditional reference "
                  + query + " matches " + (ids.isEmpty() ? "no resource" : "more than one resource"));
            }
            return Map.entry(query, type + "/" + ids.get(0));
          });
        }, 8)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .doOnNext(resolved -> {
          targets.putAll(resolved);
          for (Reference reference : references) {
            String target = reference.getReference();
            String rewritten = targets.get(target);
            if (rewritten != null) {
              reference.setReference(rewritten);
            } else if (target.startsWith("urn:uuid:") || target.startsWith("urn:oid:")) {
              throw FhirError.badRequest("The reference " + target + " names no entry of the transaction");
            }
          }
        })
        .then();
  }

  /** If-Match of the transaction's entries against the current versions, before anything is sent. */
  private Mono<Void> checkPreconditions(List<Planned> planned) {
    return Flux.fromIterable(planned)
        .filter(p -> p.ifMatch() != null)
        .flatMap(p -> store.current(p.type(), p.id()).map(stored -> stored.versionId()).defaultIfEmpty(-1L)
            .doOnNext(current -> {
              if (current.longValue() != p.ifMatch().longValue()) {
                throw new FhirError(HttpStatus.PRECONDITION_FAILED, IssueType.CONFLICT, "If-Match of " + p.type()
                    + "/" + p.id() + " asks for version " + p.ifMatch() + " but the current version is "
                    + (current < 0 ? "none" : current));
              }
            }))
        .then();
  }

  private Mono<String> apply(List<Planned> planned, Prefer prefer, String base) {
    List<FhirCommand> commands = new ArrayList<>();
    List<String> jsons = new ArrayList<>();
    for (Planned p : planned) {
      if (p.existing() != null) {
        continue;
      }
      Resource resource = p.entry().getResource();
      if (resource != null) {
        List<String> missing = ResourceParser.missingRequired(resource);
        if (!missing.isEmpty()) {
          throw new FhirError(HttpStatus.UNPROCESSABLE_CONTENT, IssueType.INVALID, missing);
        }
      }
      String json = resource == null ? null : FhirWrites.storageJson(resource, p.id());
      jsons.add(json);
      commands.add(Writes.command(p.operation(), p.type(), p.id(), p.ifMatch(), p.ifNoneExist(), json));
    }
    return writes.submitAll(commands).map(results -> {
      List<Answer> answers = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      int next = 0;
      for (Planned p : planned) {
        if (p.existing() != null) {
          answers.add(p.existing());
          continue;
        }
        int index = next++;
        Answer answer = answer(results.get(index), p, jsons.get(index), prefer);
        if (answer.status().isError()) {
          failures.add(p.type() + "/" + p.id() + ": " + answer.status().value());
        }
        answers.add(answer);
      }
      if (!failures.isEmpty()) {
        boolean notStored = answers.stream().anyMatch(a -> a.status().is5xxServerError());
        throw notStored
            ? new FhirError(HttpStatus.INTERNAL_SERVER_ERROR, IssueType.EXCEPTION, "Entries could not be stored or"
                + " failed their preconditions while the transaction was applied; the other entries were applied: "
                + failures)
            : new FhirError(HttpStatus.CONFLICT, IssueType.CONFLICT, "Entries failed their preconditions while "
                + "the transaction was applied (a concurrent writer); the other entries were applied: " + failures);
      }
      return responseBundle(BundleType.TRANSACTIONRESPONSE, answers, base, prefer);
    });
  }

  private static Answer answer(Writes.Result result, Planned p, String json, Prefer prefer) {
    if (result.onlyAccepted()) {
      return new Answer(HttpStatus.ACCEPTED, p.type(), p.id(), null, null, null);
    }
    WriteOutcome o = result.outcome();
    HttpStatus status = HttpStatus.valueOf(o.status());
    String body = status.is2xxSuccessful() && json != null && !o.deleted() && o.lastUpdated() != null
        && prefer.returns() == Prefer.Return.REPRESENTATION
        ? io.vitalflow.fhir.command.VersionStamp.stamp(json, p.id(), o.versionId(), o.lastUpdated()) : null;
    return new Answer(status, p.type(), p.id(), o.versionId(), o.lastUpdated(), body);
  }

  // ---- shared

  private static String responseBundle(BundleType type, List<Answer> answers, String base, Prefer prefer) {
    BundleJson bundle = new BundleJson(type.toCode(), null);
    for (Answer answer : answers) {
      boolean failed = answer.status().isError();
      String resource = failed || prefer.returns() == Prefer.Return.MINIMAL ? null : answer.body();
      boolean isResource = resource != null && !resource.contains("\"resourceType\":\"OperationOutcome\"");
      bundle.entry(answer.type() == null ? null : base + "/" + answer.type() + "/" + answer.id(),
          isResource ? resource : null, null, null, answer.toEntryResponse(base, failed));
    }
    return bundle.finish();
  }

  private static void requireResource(Resource resource, String type) {
    if (resource == null) {
      throw FhirError.badRequest("A " + type + " entry needs a resource");
    }
    if (!resource.fhirType().equals(type)) {
      throw FhirError.badRequest("An entry for " + type + " holds a " + resource.fhirType());
    }
  }

  private static String typeOfCollectionUrl(String url) {
    String type = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    type = type.endsWith("/") ? type.substring(0, type.length() - 1) : type;
    type = type.substring(type.lastIndexOf('/') + 1);
    ResourceTypes.require(type);
    return type;
  }

  private static String[] typeAndId(String url) {
    Matcher m = TYPE_AND_ID.matcher(url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
    if (!m.matches()) {
      throw FhirError.badRequest("Entry URL '" + url + "' must be Type/id (conditional update and delete are not"
          + " supported)");
    }
    ResourceTypes.require(m.group(1));
    return new String[] {m.group(1), m.group(2)};
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
