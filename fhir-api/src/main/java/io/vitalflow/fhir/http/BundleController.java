package io.vitalflow.fhir.http;

import static io.vitalflow.audit.AuditSubtype.BATCH;
import static io.vitalflow.audit.AuditSubtype.TRANSACTION;

import io.vitalflow.audit.web.AuditDetails;
import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.access.AccessRefused;
import io.vitalflow.fhir.search.PatientCompartment;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.fhir.vitals.VitalObservations;
import io.vitalflow.fhir.write.TransactionPlanner;
import io.vitalflow.fhir.write.TransactionPlanner.Planned;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.web.security.Interaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /fhir} with a {@code batch} or {@code transaction} Bundle.
 *
 * <p>A batch runs every entry on its own, like the single-resource interactions, and reports each
 * entry's outcome. A transaction is planned first ({@link TransactionPlanner}): it resolves its ids
 * ({@code urn:uuid:} full URLs, conditional creates, conditional references such as {@code
 * Practitioner?identifier=...}), rewrites the references between its entries, checks {@code
 * If-Match} preconditions, and then sends all commands in one Kafka transaction, so the command
 * processor sees all of them or none. The processor still decides each command on its own: a
 * precondition that changes between the check here and the processing (a concurrent writer) fails
 * that entry alone; the response then says which entries did not apply.
 */
@RestController
final class BundleController {

  private static final Pattern TYPE_AND_ID =
      Pattern.compile("^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");
  private static final int BATCH_CONCURRENCY = 256;

  private final FhirProperties properties;
  private final FhirWrites writes;
  private final ResourceWrites resourceWrites;
  private final ResourceStore store;
  private final ResourceParser parser;
  private final TransactionPlanner planner;
  private final WriteAccess access;
  private final BundleReads reads;
  private final Patches patches;

  BundleController(
      FhirProperties properties,
      FhirWrites writes,
      ResourceWrites resourceWrites,
      Searches searches,
      VitalObservations vitals,
      ResourceStore store,
      ResourceParser parser,
      WriteAccess access,
      Patches patches) {
    this.access = access;
    this.patches = patches;
    this.properties = properties;
    this.writes = writes;
    this.resourceWrites = resourceWrites;
    this.store = store;
    this.parser = parser;
    this.planner = new TransactionPlanner(searches.resources(), store);
    this.reads = new BundleReads(properties, store, searches, vitals);
  }

  @PostMapping({"/fhir", "/fhir/"})
  Mono<ResponseEntity<String>> post(
      @RequestBody(required = false) String body, ServerHttpRequest request) {
    writes.requireWritable();
    if (body != null && body.length() > properties.maxBundleBytes()) {
      throw new FhirError(
          HttpStatus.CONTENT_TOO_LARGE,
          IssueType.TOOCOSTLY,
          "A Bundle may have at most " + properties.maxBundleBytes() + " bytes");
    }
    ResourceParser.ParsedBundle parsed =
        parser.parseBundle(body, FhirFormat.ofBody(request.getHeaders().getContentType()));
    Bundle bundle = parsed.bundle();
    AuditDetails audit = AuditDetails.of(request);
    bundle.getEntry().forEach(e -> audit.entity(e.getRequest().getUrl()));
    audit.subtype(bundle.getType() == BundleType.BATCH ? BATCH : TRANSACTION);
    Prefer prefer = Prefer.parse(request.getHeaders().getOrEmpty("Prefer"));
    String base = FhirController.base(request);
    FhirFormat format = FhirController.responseFormat(request);
    Mono<String> response =
        switch (bundle.getType() == null ? BundleType.NULL : bundle.getType()) {
          case BATCH -> batch(bundle, parsed.invalidEntries(), prefer, base, audit);
          case TRANSACTION -> transaction(bundle, prefer, base, audit);
          default ->
              Mono.error(
                  FhirError.badRequest(
                      "POST to the base URL takes a Bundle of type batch or transaction,"
                          + " not "
                          + (bundle.getType() == null ? "none" : bundle.getType().toCode())));
        };
    return response.map(
        json -> ResponseEntity.ok().contentType(format.mediaType()).body(format.fromJson(json)));
  }

  // ---- batch

  private Mono<String> batch(
      Bundle bundle,
      Map<Integer, FhirError> invalid,
      Prefer prefer,
      String base,
      AuditDetails audit) {
    List<BundleEntryComponent> entries = bundle.getEntry();
    return Flux.range(0, entries.size())
        .flatMapSequential(
            i ->
                invalid.containsKey(i)
                    ? Mono.just(failed(invalid.get(i)))
                    : Mono.defer(() -> batchEntry(entries.get(i), prefer, base, audit))
                        .onErrorResume(error -> Mono.just(failed(entryError(error)))),
            BATCH_CONCURRENCY)
        .collectList()
        .map(answers -> responseBundle(BundleType.BATCHRESPONSE, answers, base, prefer));
  }

  /**
   * What a failed batch entry answers: its own status and OperationOutcome, as the single
   * interaction would (a refused scope is a 403 of that entry alone).
   */
  private static FhirError entryError(Throwable error) {
    if (error instanceof AccessRefused refused) {
      return new FhirError(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, refused.getMessage());
    }
    return FhirErrorHandler.asFhirError(error);
  }

  /** An entry that failed: its status and OperationOutcome. */
  private static Answer failed(FhirError error) {
    return new Answer(error.status(), null, null, null, null, Outcomes.error(error));
  }

  private Mono<Answer> batchEntry(
      BundleEntryComponent entry, Prefer prefer, String base, AuditDetails audit) {
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
        audit.patientsOf(() -> PatientCompartment.patients(resource, null));
        yield resourceWrites
            .create(type, resource, blankToNull(entry.getRequest().getIfNoneExist()), prefer)
            .doOnNext(
                answer -> {
                  if (answer.status().is2xxSuccessful() && answer.id() != null) {
                    audit.entity(answer.type() + "/" + answer.id());
                  }
                });
      }
      case PUT -> {
        if (url.contains("?")) {
          String type = typeOfCollectionUrl(url);
          requireResource(resource, type);
          String query = url.substring(url.indexOf('?') + 1);
          Long ifMatch = WriteResponses.ifMatch(entry.getRequest().getIfMatch());
          yield Access.require(type, Interaction.UPDATE)
              .then(Mono.defer(() -> planner.conditionalUpdate(entry, type, query, ifMatch)))
              .flatMap(
                  p -> {
                    audit.patientsOf(() -> PatientCompartment.patients(resource, p.id()));
                    return resourceWrites.update(type, p.id(), resource, ifMatch, prefer);
                  });
        }
        String[] typeAndId = typeAndId(url);
        requireResource(resource, typeAndId[0]);
        audit.patientsOf(() -> PatientCompartment.patients(resource, typeAndId[1]));
        yield resourceWrites.update(
            typeAndId[0],
            typeAndId[1],
            resource,
            WriteResponses.ifMatch(entry.getRequest().getIfMatch()),
            prefer);
      }
      case DELETE -> {
        if (url.contains("?")) {
          String type = typeOfCollectionUrl(url);
          String query = url.substring(url.indexOf('?') + 1);
          Long ifMatch = WriteResponses.ifMatch(entry.getRequest().getIfMatch());
          yield Access.require(type, Interaction.DELETE)
              .then(Mono.defer(() -> planner.conditionalDelete(entry, type, query, ifMatch)))
              .flatMap(
                  p ->
                      p.id() == null
                          ? Mono.just(
                              new Answer(HttpStatus.NO_CONTENT, null, null, null, null, null))
                          : auditStored(type, p.id(), audit)
                              .then(
                                  Mono.defer(
                                      () -> resourceWrites.delete(type, p.id(), ifMatch, prefer))));
        }
        String[] typeAndId = typeAndId(url);
        yield auditStored(typeAndId[0], typeAndId[1], audit)
            .then(
                Mono.defer(
                    () ->
                        resourceWrites.delete(
                            typeAndId[0],
                            typeAndId[1],
                            WriteResponses.ifMatch(entry.getRequest().getIfMatch()),
                            prefer)));
      }
      case GET -> reads.get(url, base, prefer, audit);
      case PATCH -> asUpdate(entry).then(Mono.defer(() -> batchEntry(entry, prefer, base, audit)));
      default ->
          Mono.error(
              new FhirError(
                  HttpStatus.METHOD_NOT_ALLOWED,
                  IssueType.NOTSUPPORTED,
                  "Entry method " + method.toCode() + " is not supported"));
    };
  }

  /**
   * Turns a PATCH entry into the update it stands for: the current version of {@code Type/id} with
   * the patch applied, as a PUT with {@code If-Match} on that version (the client's {@code
   * If-Match}, when given, must name it: else 412). A concurrent change between the read and the
   * write is a 412 of that entry, not a patch of the newer version. 404 when the resource is gone.
   */
  private Mono<Void> asUpdate(BundleEntryComponent entry) {
    String url = entry.getRequest().getUrl();
    if (url == null || url.contains("?")) {
      return Mono.error(
          FhirError.badRequest("A PATCH entry needs request.url Type/id (no conditional patch)"));
    }
    String[] typeAndId = typeAndId(url);
    Patches.Patch patch = patches.ofEntry(entry.getResource());
    Long ifMatch = WriteResponses.ifMatch(entry.getRequest().getIfMatch());
    return Access.require(typeAndId[0], Interaction.UPDATE)
        .then(store.currentAnyPatient(typeAndId[0], typeAndId[1]))
        .filter(stored -> !stored.deleted())
        .switchIfEmpty(Mono.error(() -> FhirError.notFound(typeAndId[0] + "/" + typeAndId[1])))
        .doOnNext(
            stored -> {
              if (ifMatch != null && ifMatch != stored.versionId()) {
                throw new FhirError(
                    HttpStatus.PRECONDITION_FAILED,
                    IssueType.CONFLICT,
                    "If-Match asks for version "
                        + ifMatch
                        + " but the current version is "
                        + stored.versionId());
              }
              Resource patched =
                  (Resource) patches.applied(typeAndId[0], typeAndId[1], patch, stored);
              entry.setResource(patched);
              entry
                  .getRequest()
                  .setMethod(HTTPVerb.PUT)
                  .setUrl(typeAndId[0] + "/" + typeAndId[1])
                  .setIfMatch("W/\"" + stored.versionId() + "\"");
            })
        .then();
  }

  // ---- transaction

  private Mono<String> transaction(Bundle bundle, Prefer prefer, String base, AuditDetails audit) {
    return Flux.fromIterable(bundle.getEntry())
        .filter(entry -> entry.getRequest().getMethod() == HTTPVerb.PATCH)
        .concatMap(this::asUpdate)
        .then(Mono.defer(() -> plannedTransaction(bundle, prefer, base, audit)));
  }

  private Mono<String> plannedTransaction(
      Bundle bundle, Prefer prefer, String base, AuditDetails audit) {
    List<Mono<Planned>> plans = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      plans.add(plan(entry, base));
    }
    return planner
        .plan(plans, base)
        .flatMap(
            planned ->
                audit(planned, audit)
                    .then(access.checkPlanned(planned))
                    .then(validOnWrite(bundle, planned))
                    .then(Mono.defer(() -> apply(planned, prefer, base, audit))));
  }

  /**
   * With validate-on-write: every resource a transaction creates or updates is valid, or the whole
   * transaction is a 422 naming the first invalid entry and its errors (after the references were
   * resolved, so the validator sees what would be stored).
   */
  private Mono<Void> validOnWrite(Bundle bundle, List<Planned> planned) {
    return Flux.fromIterable(planned)
        .filter(
            p ->
                p.existing() == null
                    && p.entry().getResource() != null
                    && (p.operation() == FhirOperation.CREATE
                        || p.operation() == FhirOperation.UPDATE))
        .concatMap(
            p ->
                resourceWrites.validOnWrite(
                    p.entry().getResource(),
                    "Bundle.entry[" + bundle.getEntry().indexOf(p.entry()) + "]: "))
        .then();
  }

  /**
   * Names in the audit event what a planned transaction writes: the ids the server gave created
   * resources ({@code urn:uuid:} entries, conditional creates), and the patients of every resource
   * written (after its references were resolved), found by a conditional create, or deleted (from
   * its stored version).
   */
  private Mono<Void> audit(List<Planned> planned, AuditDetails audit) {
    List<Mono<Void>> deleted = new ArrayList<>();
    for (Planned p : planned) {
      if (p.existing() != null) {
        audit.patientsOf(() -> PatientCompartment.patientsOfJson(p.existing().json()));
        continue;
      }
      if (p.operation() == FhirOperation.CREATE) {
        audit.entity(p.type() + "/" + p.id());
      }
      Resource resource = p.entry().getResource();
      if (resource != null) {
        audit.patientsOf(() -> PatientCompartment.patients(resource, p.id()));
      } else if (p.operation() == FhirOperation.DELETE) {
        deleted.add(auditStored(p.type(), p.id(), audit));
      }
    }
    return Mono.when(deleted);
  }

  /** Names the patients of the stored version of a resource about to be deleted. */
  private Mono<Void> auditStored(String type, String id, AuditDetails audit) {
    if (!audit.recorded()) {
      return Mono.empty();
    }
    return store
        .currentAnyPatient(type, id)
        .doOnNext(
            stored -> audit.patientsOf(() -> PatientCompartment.patientsOfJson(stored.json())))
        .then();
  }

  /**
   * Reads one entry's request (method, URL, If-Match, resource); the planner decides what it
   * writes.
   */
  private Mono<Planned> plan(BundleEntryComponent entry, String base) {
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
        return access
            .check(Interaction.CREATE, type, null, resource)
            .then(
                Mono.defer(
                    () ->
                        planner.create(
                            entry, type, blankToNull(entry.getRequest().getIfNoneExist()))));
      }
      case PUT -> {
        if (url.contains("?")) {
          String type = typeOfCollectionUrl(url);
          requireResource(resource, type);
          String query = url.substring(url.indexOf('?') + 1);
          return access
              .check(Interaction.UPDATE, type, null, resource)
              .then(Mono.defer(() -> planner.conditionalUpdate(entry, type, query, ifMatch)))
              .flatMap(p -> access.check(Interaction.UPDATE, type, p.id(), resource).thenReturn(p));
        }
        String[] typeAndId = typeAndId(url);
        requireResource(resource, typeAndId[0]);
        ResourceTypes.requireWritableId(typeAndId[0], typeAndId[1]);
        return access
            .check(Interaction.UPDATE, typeAndId[0], typeAndId[1], resource)
            .then(
                Mono.fromSupplier(
                    () -> TransactionPlanner.update(entry, typeAndId[0], typeAndId[1], ifMatch)));
      }
      case DELETE -> {
        if (url.contains("?")) {
          String type = typeOfCollectionUrl(url);
          String query = url.substring(url.indexOf('?') + 1);
          return access
              .check(Interaction.DELETE, type, null, null)
              .then(Mono.defer(() -> planner.conditionalDelete(entry, type, query, ifMatch)))
              .flatMap(
                  p ->
                      p.id() == null
                          ? Mono.just(p)
                          : access.check(Interaction.DELETE, type, p.id(), null).thenReturn(p));
        }
        String[] typeAndId = typeAndId(url);
        ResourceTypes.requireWritableId(typeAndId[0], typeAndId[1]);
        return access
            .check(Interaction.DELETE, typeAndId[0], typeAndId[1], null)
            .then(
                Mono.fromSupplier(
                    () -> TransactionPlanner.delete(entry, typeAndId[0], typeAndId[1], ifMatch)));
      }
      case GET -> {
        // checked now (URL, type, scope), so a GET that cannot run refuses the transaction before
        // anything is written; read after the writes, as the specification orders them
        String type = BundleReads.typeOf(url, base);
        Interaction interaction =
            BundleReads.isSearch(url, base) ? Interaction.SEARCH : Interaction.READ;
        return Access.require(type, interaction)
            .then(Mono.fromSupplier(() -> TransactionPlanner.read(entry, type)));
      }
      default -> {
        return Mono.error(
            new FhirError(
                HttpStatus.METHOD_NOT_ALLOWED,
                IssueType.NOTSUPPORTED,
                "Entry method "
                    + method.toCode()
                    + " is not supported in a transaction (GET, POST, PUT and DELETE are)"));
      }
    }
  }

  /**
   * Sends the transaction's writes in one Kafka transaction, in the order the specification
   * processes them (DELETE, POST, PUT), then runs its GET entries; answers in Bundle order.
   */
  private Mono<String> apply(
      List<Planned> planned, Prefer prefer, String base, AuditDetails audit) {
    List<Integer> written = new ArrayList<>();
    for (int i = 0; i < planned.size(); i++) {
      Planned p = planned.get(i);
      if (p.existing() != null || TransactionPlanner.nothing(p)) {
        continue;
      }
      Resource resource = p.entry().getResource();
      if (resource != null) {
        List<String> missing = ResourceParser.missingRequired(resource);
        if (!missing.isEmpty()) {
          throw new FhirError(HttpStatus.UNPROCESSABLE_CONTENT, IssueType.INVALID, missing);
        }
      }
      written.add(i);
    }
    written.sort(Comparator.comparingInt(i -> rank(planned.get(i).operation())));
    List<FhirCommand> commands = new ArrayList<>();
    Map<Integer, String> jsons = new HashMap<>();
    for (int i : written) {
      Planned p = planned.get(i);
      Resource resource = p.entry().getResource();
      String json = resource == null ? null : FhirWrites.storageJson(resource, p.id());
      jsons.put(i, json);
      commands.add(
          Writes.command(p.operation(), p.type(), p.id(), p.ifMatch(), p.ifNoneExist(), json));
    }
    Mono<List<Writes.Result>> sent =
        commands.isEmpty() ? Mono.just(List.of()) : writes.submitAll(commands);
    return sent.map(
            results -> {
              Answer[] answers = new Answer[planned.size()];
              List<String> failures = new ArrayList<>();
              for (int k = 0; k < written.size(); k++) {
                int i = written.get(k);
                Planned p = planned.get(i);
                Answer answer = answer(results.get(k), p, jsons.get(i), prefer);
                if (answer.status().isError()) {
                  failures.add(p.type() + "/" + p.id() + ": " + answer.status().value());
                }
                answers[i] = answer;
              }
              for (int i = 0; i < planned.size(); i++) {
                Planned p = planned.get(i);
                if (p.existing() != null) {
                  answers[i] = found(p);
                } else if (TransactionPlanner.nothing(p)
                    && p.entry().getRequest().getMethod() == HTTPVerb.DELETE) {
                  answers[i] = new Answer(HttpStatus.NO_CONTENT, null, null, null, null, null);
                }
              }
              if (!failures.isEmpty()) {
                boolean notStored =
                    Arrays.stream(answers)
                        .anyMatch(a -> a != null && a.status().is5xxServerError());
                throw notStored
                    ? new FhirError(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        IssueType.EXCEPTION,
                        "Entries could not be stored or"
                            + " failed their preconditions while the transaction was applied; the other entries were applied: "
                            + failures)
                    : new FhirError(
                        HttpStatus.CONFLICT,
                        IssueType.CONFLICT,
                        "Entries failed their preconditions while "
                            + "the transaction was applied (a concurrent writer); the other entries were applied: "
                            + failures);
              }
              return answers;
            })
        .flatMap(answers -> reads(planned, answers, prefer, base, audit))
        .map(
            answers ->
                responseBundle(BundleType.TRANSACTIONRESPONSE, List.of(answers), base, prefer));
  }

  /** DELETE, then POST, then PUT: the specification's processing order. */
  private static int rank(FhirOperation operation) {
    return switch (operation) {
      case DELETE -> 0;
      case CREATE -> 1;
      default -> 2;
    };
  }

  /**
   * The GET entries of a transaction, after its writes: each answers its own status (the writes are
   * applied by then, so a read that fails - say a 404 - cannot undo them; it is reported in its
   * entry).
   */
  private Mono<Answer[]> reads(
      List<Planned> planned, Answer[] answers, Prefer prefer, String base, AuditDetails audit) {
    List<Mono<Void>> gets = new ArrayList<>();
    for (int i = 0; i < planned.size(); i++) {
      if (answers[i] != null) {
        continue;
      }
      int index = i;
      gets.add(
          Mono.defer(
                  () ->
                      reads.get(
                          planned.get(index).entry().getRequest().getUrl(), base, prefer, audit))
              .onErrorResume(error -> Mono.just(failed(entryError(error))))
              .doOnNext(answer -> answers[index] = answer)
              .then());
    }
    return Flux.concat(gets).then(Mono.fromSupplier(() -> answers));
  }

  /** The resource a conditional create matched: answered as found, nothing written. */
  private static Answer found(Planned p) {
    StoredResource stored = p.existing();
    return new Answer(
        HttpStatus.OK,
        p.type(),
        stored.id(),
        stored.versionId(),
        stored.lastUpdated(),
        stored.json());
  }

  private static Answer answer(Writes.Result result, Planned p, String json, Prefer prefer) {
    if (result.onlyAccepted()) {
      return new Answer(HttpStatus.ACCEPTED, p.type(), p.id(), null, null, null);
    }
    WriteOutcome o = result.outcome();
    HttpStatus status = HttpStatus.valueOf(o.status());
    String body =
        status.is2xxSuccessful()
                && json != null
                && !o.deleted()
                && o.lastUpdated() != null
                && prefer.returns() == Prefer.Return.REPRESENTATION
            ? io.vitalflow.fhir.command.VersionStamp.stamp(
                json, p.id(), o.versionId(), o.lastUpdated())
            : null;
    return new Answer(status, p.type(), p.id(), o.versionId(), o.lastUpdated(), body);
  }

  // ---- shared

  private static String responseBundle(
      BundleType type, List<Answer> answers, String base, Prefer prefer) {
    BundleJson bundle = new BundleJson(type.toCode(), null);
    for (Answer answer : answers) {
      boolean failed = answer.status().isError();
      String resource = failed || prefer.returns() == Prefer.Return.MINIMAL ? null : answer.body();
      boolean isResource =
          resource != null && !"OperationOutcome".equals(BundleJson.typeAndId(resource)[0]);
      bundle.entry(
          answer.type() == null ? null : base + "/" + answer.type() + "/" + answer.id(),
          isResource ? resource : null,
          null,
          null,
          answer.toEntryResponse(base, failed));
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
      throw FhirError.badRequest(
          "Entry URL '"
              + url
              + "' must be Type/id, or Type?search for a conditional update or delete");
    }
    ResourceTypes.require(m.group(1));
    return new String[] {m.group(1), m.group(2)};
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
