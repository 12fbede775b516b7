package io.vitalflow.fhir.command;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.vitalflow.kafka.RecordTracing;
import io.vitalflow.schemas.DeadLetter;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirCommandOutcome;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one command to one resource: checks its preconditions against the resource's current
 * state, assigns the next version and {@code lastUpdated}, and forwards the new version, or an
 * outcome when the command writes nothing.
 */
final class CommandProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

  private final Function<FhirResourceVersion, List<VitalSign>> vitalsOf;
  private final RecordTracing tracing;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ResourceState> states;

  CommandProcessor(Function<FhirResourceVersion, List<VitalSign>> vitalsOf) {
    this(vitalsOf, RecordTracing.OFF);
  }

  CommandProcessor(Function<FhirResourceVersion, List<VitalSign>> vitalsOf, RecordTracing tracing) {
    this.vitalsOf = vitalsOf;
    this.tracing = tracing;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.states = context.getStateStore(FhirCommandTopology.STATE_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Span span = tracing.startChild("fhir command decide", Span.Kind.CONSUMER, record.headers());
    Tracer.SpanInScope scope = tracing.inScope(span);
    try {
      decide(record, span);
    } finally {
      scope.close();
      span.end();
    }
  }

  private void decide(Record<String, byte[]> record, Span span) {
    if (record.value() == null) {
      // a fence: the API's marker after a send whose outcome it did not learn
      // (CommandSender.inLog); it asks for nothing
      span.event("fence");
      return;
    }
    FhirCommand command;
    try {
      command = Topics.FHIR_COMMANDS.valueSerde().deserializer().deserialize(null, record.value());
    } catch (SerializationException e) {
      deadLetter(record, "undecodable command: " + e.getMessage());
      return;
    }
    String key = command.getResourceType() + "/" + command.getResourceId();
    if (!key.equals(record.key())) {
      deadLetter(
          record, "record key is not Type/id of the command: the topic must be keyed by resource");
      return;
    }
    ResourceState current = states.get(key);
    Decision decision = decide(command, current);
    if (decision.status() != 0) {
      span.tag("fhir.outcome", decision.status());
      outcome(record, command, decision.status(), current, decision.message(), span);
      return;
    }
    long version = current == null ? 1 : current.versionId() + 1;
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    boolean deleted = command.getOperation() == FhirOperation.DELETE;
    String json;
    try {
      json =
          deleted
              ? null
              : VersionStamp.stamp(command.getResource(), command.getResourceId(), version, now);
    } catch (IllegalArgumentException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    states.put(key, new ResourceState(version, deleted));
    FhirResourceVersion written =
        FhirResourceVersion.newBuilder()
            .setResourceType(command.getResourceType())
            .setResourceId(command.getResourceId())
            .setVersionId(version)
            .setLastUpdated(now)
            .setDeleted(deleted)
            .setResource(json)
            .setRequestId(command.getRequestId())
            .build();
    context.forward(
        new Record<String, Object>(key, written, now.toEpochMilli(), tracing.recordHeaders(span)),
        FhirCommandTopology.VERSIONS);
    if (!deleted) {
      for (VitalSign reading : vitalsOf.apply(written)) {
        context.forward(
            new Record<String, Object>(
                reading.getPatientId(), reading, now.toEpochMilli(), tracing.recordHeaders(span)),
            FhirCommandTopology.VITALS);
      }
    }
  }

  /** A status other than 0 ends the command without a new version. */
  record Decision(int status, String message) {
    static final Decision WRITE = new Decision(0, null);
  }

  static Decision decide(FhirCommand command, ResourceState current) {
    boolean exists = current != null && !current.deleted();
    Long ifMatch = command.getIfMatch();
    if (ifMatch != null && (current == null || current.versionId() != ifMatch)) {
      return new Decision(
          412,
          "If-Match asks for version "
              + ifMatch
              + " but the current version is "
              + (current == null ? "none (the resource does not exist)" : current.versionId()));
    }
    return switch (command.getOperation()) {
      case CREATE -> {
        if (exists && command.getIfNoneExist() != null) {
          yield new Decision(200, "a resource matching the If-None-Exist condition exists");
        }
        yield exists ? new Decision(409, "a resource with this id exists") : Decision.WRITE;
      }
      case UPDATE -> Decision.WRITE;
      case DELETE ->
          exists
              ? Decision.WRITE
              : new Decision(204, current == null ? "nothing to delete" : "already deleted");
    };
  }

  private void outcome(
      Record<String, byte[]> record,
      FhirCommand command,
      int status,
      ResourceState current,
      String message,
      Span span) {
    FhirCommandOutcome outcome =
        FhirCommandOutcome.newBuilder()
            .setRequestId(command.getRequestId())
            .setResourceType(command.getResourceType())
            .setResourceId(command.getResourceId())
            .setStatus(status)
            .setVersionId(current == null ? null : current.versionId())
            .setMessage(message)
            .build();
    context.forward(
        new Record<String, Object>(
            record.key(), outcome, context.currentSystemTimeMs(), tracing.recordHeaders(span)),
        FhirCommandTopology.OUTCOMES);
  }

  private void deadLetter(Record<String, byte[]> record, String error) {
    String source =
        context
            .recordMetadata()
            .map(m -> DeadLetter.source(m.topic(), m.partition(), m.offset()))
            .orElse("unknown");
    log.warn("Dead-lettering FHIR command from {}: {}", source, error);
    context.forward(
        new Record<String, Object>(
            record.key(),
            Objects.requireNonNullElse(record.value(), new byte[0]),
            context.currentSystemTimeMs(),
            DeadLetter.headers(record.headers().toArray(), error, source)),
        FhirCommandTopology.DEAD_LETTERS);
  }
}
