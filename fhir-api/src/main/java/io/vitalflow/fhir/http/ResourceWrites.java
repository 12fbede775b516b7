package io.vitalflow.fhir.http;

import io.vitalflow.fhir.access.Access;
import io.vitalflow.fhir.command.VersionStamp;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.fhir.validation.ResourceValidator;
import io.vitalflow.fhir.write.Conditions;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.web.security.Interaction;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The write interactions, shared by the REST endpoints and Bundle entries: create (also
 * conditional), update (also as create, also conditional), delete (also conditional), each answered
 * per {@code Prefer: return=...}.
 */
@Component
final class ResourceWrites {

  private final FhirWrites writes;
  private final Searches searches;
  private final ResourceStore store;
  private final WriteAccess access;
  private final ResourceValidator validator;

  ResourceWrites(
      FhirWrites writes,
      Searches searches,
      ResourceStore store,
      WriteAccess access,
      ResourceValidator validator) {
    this.writes = writes;
    this.searches = searches;
    this.store = store;
    this.access = access;
    this.validator = validator;
  }

  Mono<Answer> create(String type, IBaseResource resource, String ifNoneExist, Prefer prefer) {
    return create(type, UUID.randomUUID().toString(), resource, ifNoneExist, prefer);
  }

  /**
   * @param id the id to give the resource unless the condition derives one
   */
  Mono<Answer> create(
      String type, String id, IBaseResource resource, String ifNoneExist, Prefer prefer) {
    return access
        .check(Interaction.CREATE, type, null, resource)
        .then(validOnWrite(resource))
        .then(Mono.defer(() -> checkedCreate(type, id, resource, ifNoneExist, prefer)));
  }

  /**
   * With {@code vitalflow.fhir.validate-on-write}: completes when the profile validator finds no
   * error in {@code resource}, fails with 422 and its errors otherwise. Without: completes.
   */
  Mono<Void> validOnWrite(IBaseResource resource) {
    return validOnWrite(resource, "");
  }

  /**
   * {@link #validOnWrite(IBaseResource)} with {@code where} (e.g. {@code "Bundle.entry[2]: "})
   * before each error.
   */
  Mono<Void> validOnWrite(IBaseResource resource, String where) {
    if (!validator.onWrite()) {
      return Mono.empty();
    }
    return validator
        .validate(resource)
        .flatMap(
            validated ->
                validated.valid()
                    ? Mono.empty()
                    : Mono.error(
                        new FhirError(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            IssueType.PROCESSING,
                            validated.errors().stream().map(error -> where + error).toList())));
  }

  private Mono<Answer> checkedCreate(
      String type, String id, IBaseResource resource, String ifNoneExist, Prefer prefer) {
    if (ifNoneExist == null || ifNoneExist.isBlank()) {
      return write(FhirOperation.CREATE, type, id, null, null, resource, prefer);
    }
    Map<String, List<String>> condition = Conditions.parse(ifNoneExist);
    return searches
        .findIds(type, condition, 2)
        .flatMap(
            ids ->
                switch (ids.size()) {
                  case 0 ->
                      write(
                          FhirOperation.CREATE,
                          type,
                          Conditions.idFor(type, condition),
                          null,
                          Conditions.canonical(condition),
                          resource,
                          prefer);
                  case 1 -> store.current(type, ids.get(0)).map(stored -> found(stored, prefer));
                  default ->
                      Mono.error(
                          new FhirError(
                              HttpStatus.PRECONDITION_FAILED,
                              IssueType.DUPLICATE,
                              "If-None-Exist matches more than one "
                                  + type
                                  + ": the condition is not selective enough"));
                });
  }

  /** The ids of up to {@code limit} resources matching a condition, as the caller may see them. */
  Mono<List<String>> findIds(String type, Map<String, List<String>> condition, int limit) {
    return searches.findIds(type, condition, limit);
  }

  Mono<Answer> update(String type, String id, IBaseResource resource, Long ifMatch, Prefer prefer) {
    ResourceTypes.requireWritableId(type, id);
    String bodyId = resource.getIdElement().getIdPart();
    if (bodyId != null && !bodyId.equals(id)) {
      throw FhirError.badRequest(
          "The resource id '" + bodyId + "' differs from the id in the URL '" + id + "'");
    }
    return access
        .check(Interaction.UPDATE, type, id, resource)
        .then(validOnWrite(resource))
        .then(
            Mono.defer(
                () -> write(FhirOperation.UPDATE, type, id, ifMatch, null, resource, prefer)));
  }

  /**
   * Conditional update, {@code PUT [type]?condition}: no match creates the resource (under the id
   * in its body as an update, else as a create under an id derived from the condition), one match
   * is updated (a body id must be that match's), more than one is 412. The caller needs search as
   * well as update on the type; the search sees what the caller may see.
   *
   * <p>The derived id makes concurrent identical conditional updates commands on one resource: the
   * processor lets the first create it and answers the others 409, which are then decided again
   * (the search now finds the first one's resource and they update it). A 409 that persists (the
   * derived id is taken by a resource that no longer matches) is answered as it is.
   */
  Mono<Answer> conditionalUpdate(
      String type,
      Map<String, List<String>> condition,
      IBaseResource resource,
      Long ifMatch,
      Prefer prefer) {
    // read before the first attempt: a write stamps its id into the resource
    String bodyId = resource.getIdElement().getIdPart();
    return Mono.defer(
            () -> conditionalUpdateOnce(type, condition, bodyId, resource, ifMatch, prefer))
        .retryWhen(
            Retry.fixedDelay(3, Duration.ofMillis(100))
                .filter(e -> e instanceof FhirError f && f.status() == HttpStatus.CONFLICT)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  private Mono<Answer> conditionalUpdateOnce(
      String type,
      Map<String, List<String>> condition,
      String bodyId,
      IBaseResource resource,
      Long ifMatch,
      Prefer prefer) {
    resource.setId(bodyId); // as the client sent it, also when decided again
    return Access.require(type, Interaction.SEARCH)
        .then(searches.findIds(type, condition, 2))
        .flatMap(
            ids ->
                switch (ids.size()) {
                  case 0 -> {
                    if (bodyId != null) {
                      yield update(type, bodyId, resource, ifMatch, prefer);
                    }
                    String id = Conditions.idFor(type, condition);
                    yield access
                        .check(Interaction.UPDATE, type, id, resource)
                        .then(validOnWrite(resource))
                        .then(
                            Mono.defer(
                                () ->
                                    write(
                                        FhirOperation.CREATE,
                                        type,
                                        id,
                                        ifMatch,
                                        null,
                                        resource,
                                        prefer)));
                  }
                  case 1 -> {
                    if (bodyId != null && !bodyId.equals(ids.get(0))) {
                      yield Mono.error(
                          FhirError.badRequest(
                              "The resource id '"
                                  + bodyId
                                  + "' differs from the id of the "
                                  + type
                                  + " the condition matches"));
                    }
                    yield update(type, ids.get(0), resource, ifMatch, prefer);
                  }
                  default ->
                      Mono.error(
                          new FhirError(
                              HttpStatus.PRECONDITION_FAILED,
                              IssueType.MULTIPLEMATCHES,
                              "The condition matches more than one "
                                  + type
                                  + ": a conditional update needs it to select one"));
                });
  }

  /**
   * Conditional delete, {@code DELETE [type]?condition}: every match is deleted, one delete after
   * the other, at most {@code max} (more matches are a 412 and nothing is deleted; {@code max} 1
   * makes it single). No match is a 204. The caller needs search as well as delete on the type.
   *
   * @param before called with each id before it is deleted (the audit trail's patients)
   */
  Mono<Answer> conditionalDelete(
      String type,
      Map<String, List<String>> condition,
      int max,
      Prefer prefer,
      Function<String, Mono<?>> before) {
    return Access.require(type, Interaction.SEARCH)
        .then(Access.require(type, Interaction.DELETE))
        .then(searches.findIds(type, condition, max + 1))
        .flatMap(
            ids -> {
              if (ids.size() > max) {
                return Mono.error(
                    new FhirError(
                        HttpStatus.PRECONDITION_FAILED,
                        IssueType.MULTIPLEMATCHES,
                        "The condition matches more than "
                            + max
                            + " "
                            + type
                            + (max == 1
                                ? ": a conditional delete needs it to select one"
                                : " (vitalflow.fhir.conditional-delete-max): nothing was deleted")));
              }
              if (ids.isEmpty()) {
                return Mono.just(new Answer(HttpStatus.NO_CONTENT, type, null, null, null, null));
              }
              return Flux.fromIterable(ids)
                  .concatMap(id -> before.apply(id).then(delete(type, id, null, prefer)))
                  .collectList()
                  .map(
                      answers ->
                          answers.size() == 1
                              ? answers.get(0)
                              : new Answer(
                                  HttpStatus.OK,
                                  type,
                                  null,
                                  null,
                                  null,
                                  Outcomes.information(
                                      "Deleted " + answers.size() + " " + type + " resources")));
            });
  }

  Mono<Answer> delete(String type, String id, Long ifMatch, Prefer prefer) {
    ResourceTypes.requireWritableId(type, id);
    return access
        .check(Interaction.DELETE, type, id, null)
        .then(Mono.defer(() -> write(FhirOperation.DELETE, type, id, ifMatch, null, null, prefer)));
  }

  private Mono<Answer> write(
      FhirOperation operation,
      String type,
      String id,
      Long ifMatch,
      String ifNoneExist,
      IBaseResource resource,
      Prefer prefer) {
    return writes
        .write(operation, type, id, ifMatch, ifNoneExist, resource, prefer.async())
        .flatMap(written -> answer(written, prefer));
  }

  private Mono<Answer> answer(FhirWrites.Written written, Prefer prefer) {
    Writes.Result result = written.result();
    if (result.onlyAccepted()) {
      return Mono.just(
          new Answer(
              HttpStatus.ACCEPTED,
              written.type(),
              written.id(),
              null,
              null,
              Outcomes.information(
                  "Accepted: the "
                      + written.operation().name().toLowerCase(Locale.ROOT)
                      + " is held by Kafka and becomes readable shortly")));
    }
    WriteOutcome outcome = result.outcome();
    switch (outcome.status()) {
      case 409 -> throw new FhirError(HttpStatus.CONFLICT, IssueType.CONFLICT, outcome.message());
      case 412 ->
          throw new FhirError(
              HttpStatus.PRECONDITION_FAILED, IssueType.CONFLICT, outcome.message());
      case 500 ->
          throw new FhirError(
              HttpStatus.INTERNAL_SERVER_ERROR, IssueType.EXCEPTION, outcome.message());
      case 204 -> {
        return Mono.just(
            new Answer(
                HttpStatus.NO_CONTENT,
                outcome.resourceType(),
                outcome.resourceId(),
                null,
                null,
                null));
      }
      default -> {}
    }
    HttpStatus status = HttpStatus.valueOf(outcome.status());
    long version = outcome.versionId();
    String type = outcome.resourceType();
    String id = outcome.resourceId();
    if (outcome.deleted()) {
      return Mono.just(
          new Answer(
              HttpStatus.OK,
              type,
              id,
              version,
              outcome.lastUpdated(),
              Outcomes.information("Deleted " + type + "/" + id + " (version " + version + ")")));
    }
    boolean ours = outcome.lastUpdated() != null && outcome.message() == null;
    if (!ours) {
      // the outcome and the version it names come from two topics: the version may be projected a
      // moment later
      return store
          .version(type, id, version)
          .repeatWhenEmpty(100, attempts -> attempts.delayElements(Duration.ofMillis(10)))
          .map(stored -> found(stored, prefer).withStatus(status));
    }
    String body =
        switch (prefer.returns()) {
          case MINIMAL -> null;
          case OPERATION_OUTCOME ->
              Outcomes.information("Wrote " + type + "/" + id + " version " + version);
          case REPRESENTATION ->
              VersionStamp.stamp(written.json(), id, version, outcome.lastUpdated());
        };
    return Mono.just(new Answer(status, type, id, version, outcome.lastUpdated(), body));
  }

  /** A conditional create that found its resource: 200 with it. */
  private static Answer found(StoredResource stored, Prefer prefer) {
    String body =
        switch (prefer.returns()) {
          case MINIMAL -> null;
          case OPERATION_OUTCOME ->
              Outcomes.information(
                  "Found " + stored.type() + "/" + stored.id() + ": nothing created");
          case REPRESENTATION -> stored.json();
        };
    return new Answer(
        HttpStatus.OK, stored.type(), stored.id(), stored.versionId(), stored.lastUpdated(), body);
  }
}
