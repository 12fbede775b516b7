package io.vitalflow.fhir.http;

import io.vitalflow.fhir.write.Writes;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Turns a parsed resource into a command and submits it; 405 on a read-only server. */
@Component
final class FhirWrites {

  private final Writes writes;

  FhirWrites(ObjectProvider<Writes> writes) {
    this.writes = writes.getIfAvailable();
  }

  boolean writable() {
    return writes != null;
  }

  void requireWritable() {
    if (writes == null) {
      throw new FhirError(
          HttpStatus.METHOD_NOT_ALLOWED,
          IssueType.NOTSUPPORTED,
          "This server is read-only (vitalflow.fhir.writes-enabled=false)");
    }
  }

  /**
   * @param json the resource as it is stored, before id and meta are stamped
   */
  record Written(
      FhirOperation operation, String type, String id, String json, Writes.Result result) {}

  Mono<Written> write(
      FhirOperation operation,
      String type,
      String id,
      Long ifMatch,
      String ifNoneExist,
      IBaseResource resource,
      boolean async) {
    requireWritable();
    String json = resource == null ? null : storageJson(resource, id);
    var command = Writes.command(operation, type, id, ifMatch, ifNoneExist, json);
    return writes
        .submit(command, async)
        .map(result -> new Written(operation, type, id, json, result));
  }

  /** The commands of a transaction, in one Kafka transaction; see {@link Writes#submitAll}. */
  Mono<List<Writes.Result>> submitAll(List<FhirCommand> commands) {
    requireWritable();
    return writes.submitAll(commands);
  }

  /** The resource as stored: its id set, version and lastUpdated left to the command processor. */
  static String storageJson(IBaseResource resource, String id) {
    resource.setId(id);
    resource.getMeta().setVersionId(null);
    resource.getMeta().setLastUpdated(null);
    return FhirFormat.JSON.parser().encodeResourceToString(resource);
  }
}
