package io.vitalflow.fhir.http;

import io.vitalflow.fhir.command.VersionStamp;
import io.vitalflow.fhir.store.ResourceStore;
import io.vitalflow.fhir.store.StoredResource;
import io.vitalflow.fhir.store.WriteOutcome;
import io.vitalflow.fhir.write.Conditions;
import io.vitalflow.fhir.write.Writes;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.web.security.Interaction;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The write interactions, shared by the REST endpoints and Bundle entries: create (also
 * conditional), update (also as create), delete, each answered per {@code Prefer: return=...}.
 */
@Component
final class ResourceWrites {

  private final FhirWrites writes;
  private final Searches searches;
  private final ResourceStore store;
  private final WriteAccess access;

  ResourceWrites(FhirWrites writes, Searches searches, ResourceStore store, WriteAccess access) {
    this.writes = writes;
    this.searches = searches;
    this.store = store;
    this.access = access;
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
        .then(Mono.defer(() -> checkedCreate(type, id, resource, ifNoneExist, prefer)));
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

  Mono<Answer> update(String type, String id, IBaseResource resource, Long ifMatch, Prefer prefer) {
    ResourceTypes.requireWritableId(type, id);
    String bodyId = resource.getIdElement().getIdPart();
    if (bodyId != null && !bodyId.equals(id)) {
      throw FhirError.badRequest(
          "The resource id '" + bodyId + "' differs from the id in the URL '" + id + "'");
    }
    return access
        .check(Interaction.UPDATE, type, id, resource)
        .then(
            Mono.defer(
                () -> write(FhirOperation.UPDATE, type, id, ifMatch, null, resource, prefer)));
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
