package io.vitalflow.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The FHIR JSON of {@link AuditEvents#toFhir}, written and read directly with Jackson: the same
 * document HAPI would write (AuditEventsTest checks it element by element through HAPI's parser),
 * at a small fraction of the cost. HAPI's encoder took about 150 µs per event on this machine,
 * which capped one sender thread at 4,000-7,000 events/s, below the FHIR API's read rate; this
 * writer and reader are the hot path of the trail and of the sink.
 */
final class AuditJson {

  /** Millisecond precision, UTC: FHIR's {@code instant}. */
  static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper READER = new ObjectMapper();

  private AuditJson() {}

  static String write(AuditRecord record) {
    StringWriter out = new StringWriter(768);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("resourceType", "AuditEvent");
      json.writeStringField("id", record.id().toString());
      if (record.status() != 0) {
        json.writeArrayFieldStart("extension");
        json.writeStartObject();
        json.writeStringField("url", AuditEvents.HTTP_STATUS_EXTENSION);
        json.writeNumberField("valueInteger", record.status());
        json.writeEndObject();
        json.writeEndArray();
      }
      json.writeFieldName("type");
      coding(json, AuditEvents.EVENT_TYPE_SYSTEM, "rest", "Restful Operation");
      json.writeArrayFieldStart("subtype");
      coding(json, record.subtype().system(), record.subtype().code(), record.subtype().code());
      json.writeEndArray();
      json.writeStringField("action", record.action().code());
      json.writeStringField("recorded", INSTANT.format(record.recorded()));
      json.writeStringField("outcome", Integer.toString(record.outcome().code()));
      if (record.status() != 0) {
        json.writeStringField("outcomeDesc", "HTTP " + record.status());
      }
      agents(json, record);
      json.writeObjectFieldStart("source");
      json.writeObjectFieldStart("observer");
      identifier(json, record.service());
      json.writeStringField("display", record.service());
      json.writeEndObject();
      json.writeArrayFieldStart("type");
      coding(json, AuditEvents.SOURCE_TYPE_SYSTEM, "4", "Application Server");
      json.writeEndArray();
      json.writeEndObject();
      entities(json, record);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void agents(JsonGenerator json, AuditRecord record) throws IOException {
    String subject = record.agentSubject();
    String client = record.clientId();
    boolean user = subject != null && !subject.equals(client);
    json.writeArrayFieldStart("agent");
    boolean first = true;
    if (user) {
      agent(json, AuditEvents.SECURITY_ROLE_SYSTEM, "humanuser", "human user", subject, true);
      network(json, record);
      json.writeEndObject();
      first = false;
    }
    if (client != null) {
      agent(json, AuditEvents.DICOM_SYSTEM, "110150", "Application", client, !user);
      if (first) {
        network(json, record);
      }
      json.writeEndObject();
      first = false;
    }
    if (first) {
      json.writeStartObject();
      json.writeStringField("name", AuditEvents.UNAUTHENTICATED);
      json.writeBooleanField("requestor", true);
      network(json, record);
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** Starts an agent object; the caller may add the network and ends it. */
  private static void agent(
      JsonGenerator json, String system, String code, String display, String who, boolean requestor)
      throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("type");
    json.writeArrayFieldStart("coding");
    coding(json, system, code, display);
    json.writeEndArray();
    json.writeEndObject();
    json.writeObjectFieldStart("who");
    identifier(json, who);
    json.writeEndObject();
    json.writeBooleanField("requestor", requestor);
  }

  private static void network(JsonGenerator json, AuditRecord record) throws IOException {
    if (record.sourceAddress() != null) {
      json.writeObjectFieldStart("network");
      json.writeStringField("address", record.sourceAddress());
      json.writeStringField("type", "2");
      json.writeEndObject();
    }
  }

  private static void entities(JsonGenerator json, AuditRecord record) throws IOException {
    if (record.patients().isEmpty() && record.entities().isEmpty() && record.requestId() == null) {
      return;
    }
    json.writeArrayFieldStart("entity");
    for (String patient : record.patients()) {
      json.writeStartObject();
      json.writeObjectFieldStart("what");
      json.writeStringField("reference", "Patient/" + patient);
      json.writeEndObject();
      json.writeFieldName("type");
      coding(json, AuditEvents.ENTITY_TYPE_SYSTEM, "1", "Person");
      json.writeFieldName("role");
      coding(json, AuditEvents.OBJECT_ROLE_SYSTEM, "1", "Patient");
      json.writeEndObject();
    }
    for (String entity : record.entities()) {
      json.writeStartObject();
      json.writeObjectFieldStart("what");
      json.writeStringField(entity.indexOf('/') < 0 ? "type" : "reference", entity);
      json.writeEndObject();
      json.writeFieldName("type");
      coding(json, AuditEvents.ENTITY_TYPE_SYSTEM, "2", "System Object");
      json.writeFieldName("role");
      coding(json, AuditEvents.OBJECT_ROLE_SYSTEM, "4", "Domain Resource");
      json.writeEndObject();
    }
    if (record.requestId() != null) {
      json.writeStartObject();
      json.writeObjectFieldStart("what");
      identifier(json, record.requestId());
      json.writeEndObject();
      json.writeFieldName("type");
      coding(json, AuditEvents.BALP_ENTITY_TYPE_SYSTEM, "XrequestId", "XrequestId");
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void identifier(JsonGenerator json, String value) throws IOException {
    json.writeObjectFieldStart("identifier");
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  private static void coding(JsonGenerator json, String system, String code, String display)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("system", system);
    json.writeStringField("code", code);
    json.writeStringField("display", display);
    json.writeEndObject();
  }

  /**
   * @throws IllegalArgumentException when {@code text} is not such an AuditEvent (the message
   *     quotes nothing of it)
   */
  static AuditRecord read(String text) {
    JsonNode event;
    try {
      event = READER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
    if (event == null || !"AuditEvent".equals(event.path("resourceType").asText())) {
      throw new IllegalArgumentException("not an AuditEvent");
    }
    try {
      AuditRecord.Builder record =
          AuditRecord.builder(
                  text(event.path("source").path("observer").path("identifier").path("value")),
                  AuditSubtype.ofCode(text(event.path("subtype").path(0).path("code"))))
              .id(UUID.fromString(text(event.path("id"))))
              .recorded(instant(text(event.path("recorded"))))
              .action(AuditAction.ofCode(text(event.path("action"))))
              .outcome(AuditOutcome.ofCode(Integer.parseInt(text(event.path("outcome")))));
      for (JsonNode extension : event.path("extension")) {
        if (AuditEvents.HTTP_STATUS_EXTENSION.equals(extension.path("url").asText())) {
          record.status(extension.path("valueInteger").asInt());
        }
      }
      String subject = null;
      String client = null;
      for (JsonNode agent : event.path("agent")) {
        if (agent.path("requestor").asBoolean() && agent.path("network").has("address")) {
          record.source(agent.path("network").path("address").asText());
        }
        String who = agent.path("who").path("identifier").path("value").asText(null);
        String type = agent.path("type").path("coding").path(0).path("code").asText("");
        if ("humanuser".equals(type)) {
          subject = who;
        } else if ("110150".equals(type)) {
          client = who;
        }
      }
      record.agent(subject, client);
      for (JsonNode entity : event.path("entity")) {
        JsonNode what = entity.path("what");
        switch (entity.path("type").path("code").asText("")) {
          case "1" -> {
            String reference = text(what.path("reference"));
            if (!reference.startsWith("Patient/")) {
              throw new IllegalArgumentException("a patient entity that is not Patient/id");
            }
            record.patient(reference.substring(8));
          }
          case "2" ->
              record.entity(
                  what.has("reference") ? text(what.path("reference")) : text(what.path("type")));
          case "XrequestId" -> record.requestId(text(what.path("identifier").path("value")));
          default -> {}
        }
      }
      return record.build();
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(
          "not an AuditEvent of VitalFlow's shape (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static String text(JsonNode node) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException("an AuditEvent element is missing or not a string");
    }
    return node.asText();
  }

  private static Instant instant(String value) {
    return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }
}
