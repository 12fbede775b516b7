package io.vitalflow.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
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

  private AuditJson() {}

  static String write(AuditRecord record) {
    return new String(utf8(record), StandardCharsets.UTF_8);
  }

  /**
   * The event as UTF-8 bytes, what {@code audit.v1} carries: written by Jackson's UTF-8 generator
   * straight into bytes (no {@code String} made and encoded again by the producer).
   */
  static byte[] utf8(AuditRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048); // a read by id: about 1.4 KB
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
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
      json.writeStringField("recorded", instant(record.recorded()));
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
    return out.toByteArray();
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
   * The record of an AuditEvent of {@link #write}'s shape, read with Jackson's streaming parser:
   * the sink reads every event, and building a JSON tree of each cost it about half of its CPU.
   * Elements the record does not hold (codings' displays, {@code outcomeDesc}, entity roles) are
   * skipped; the order of elements does not matter.
   *
   * @throws IllegalArgumentException when {@code text} is not such an AuditEvent (the message
   *     quotes nothing of it)
   */
  static AuditRecord read(String text) {
    return read(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #read(String)} of UTF-8 bytes, as the sink gets them from {@code audit.v1}. */
  static AuditRecord read(byte[] utf8) {
    Parsed event = new Parsed();
    try (JsonParser json = JSON.createParser(utf8)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not an AuditEvent");
      }
      event.root(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return event.record();
  }

  /** What {@link #read} found, in document order; made into a record once all is read. */
  private static final class Parsed {
    private String resourceType;
    private String id;
    private String recorded;
    private String action;
    private String outcome;
    private String service;
    private String subtype;
    private Integer status;
    private boolean sourceSeen;
    private String source;
    private String subject;
    private String client;
    private final List<Entity> entities = new ArrayList<>();

    private record Entity(
        String code, boolean hasReference, String reference, String type, String requestId) {}

    void root(JsonParser json) throws IOException {
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken token = json.nextToken();
        switch (name) {
          case "resourceType" -> resourceType = string(json, token);
          case "id" -> id = string(json, token);
          case "recorded" -> recorded = string(json, token);
          case "action" -> action = string(json, token);
          case "outcome" -> outcome = string(json, token);
          case "source" -> service = stringAt(json, token, SERVICE, 0);
          case "subtype" -> subtype = firstCode(json, token);
          case "extension" -> objects(json, token, this::extension);
          case "agent" -> objects(json, token, this::agent);
          case "entity" -> objects(json, token, this::entity);
          default -> json.skipChildren();
        }
      }
    }

    private void extension(JsonParser json) throws IOException {
      String url = null;
      int value = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken token = json.nextToken();
        if (name.equals("url")) {
          url = string(json, token);
        } else if (name.equals("valueInteger") && token.isScalarValue()) {
          value = json.getValueAsInt(0);
        } else {
          json.skipChildren();
        }
      }
      if (AuditEvents.HTTP_STATUS_EXTENSION.equals(url)) {
        status = value;
      }
    }

    private void agent(JsonParser json) throws IOException {
      boolean requestor = false;
      String address = null;
      String who = null;
      String type = "";
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken token = json.nextToken();
        switch (name) {
          case "requestor" -> requestor = token == JsonToken.VALUE_TRUE;
          case "network" -> address = stringAt(json, token, ADDRESS, 0);
          case "who" -> who = stringAt(json, token, IDENTIFIER_VALUE, 0);
          case "type" -> {
            String code = codingCode(json, token);
            type = code == null ? "" : code;
          }
          default -> json.skipChildren();
        }
      }
      if (requestor && address != null) {
        sourceSeen = true;
        source = address;
      }
      if ("humanuser".equals(type)) {
        subject = who;
      } else if ("110150".equals(type)) {
        client = who;
      }
    }

    private void entity(JsonParser json) throws IOException {
      String code = "";
      boolean hasReference = false;
      String reference = null;
      String type = null;
      String requestId = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken token = json.nextToken();
        if (name.equals("type")) {
          String value = stringAt(json, token, CODE, 0);
          code = value == null ? "" : value;
        } else if (name.equals("what") && token == JsonToken.START_OBJECT) {
          while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
              case "reference" -> {
                hasReference = true;
                reference = string(json, value);
              }
              case "type" -> type = string(json, value);
              case "identifier" -> requestId = stringAt(json, value, VALUE, 0);
              default -> json.skipChildren();
            }
          }
        } else {
          json.skipChildren();
        }
      }
      entities.add(new Entity(code, hasReference, reference, type, requestId));
    }

    AuditRecord record() {
      if (!"AuditEvent".equals(resourceType)) {
        throw new IllegalArgumentException("not an AuditEvent");
      }
      try {
        AuditRecord.Builder record =
            AuditRecord.builder(text(service), AuditSubtype.ofCode(text(subtype)))
                .id(UUID.fromString(text(id)))
                .recorded(instant(text(recorded)))
                .action(AuditAction.ofCode(text(action)))
                .outcome(AuditOutcome.ofCode(Integer.parseInt(text(outcome))));
        if (status != null) {
          record.status(status);
        }
        if (sourceSeen) {
          record.source(source);
        }
        record.agent(subject, client);
        for (Entity entity : entities) {
          switch (entity.code()) {
            case "1" -> {
              String reference = text(entity.reference());
              if (!reference.startsWith("Patient/")) {
                throw new IllegalArgumentException("a patient entity that is not Patient/id");
              }
              record.patient(reference.substring(8));
            }
            case "2" ->
                record.entity(
                    entity.hasReference() ? text(entity.reference()) : text(entity.type()));
            case "XrequestId" -> record.requestId(text(entity.requestId()));
            default -> {}
          }
        }
        return record.build();
      } catch (DateTimeParseException | NullPointerException e) {
        throw new IllegalArgumentException(
            "not an AuditEvent of VitalFlow's shape (" + e.getClass().getSimpleName() + ")", e);
      }
    }
  }

  private static final String[] SERVICE = {"observer", "identifier", "value"};
  private static final String[] ADDRESS = {"address"};
  private static final String[] IDENTIFIER_VALUE = {"identifier", "value"};
  private static final String[] VALUE = {"value"};
  private static final String[] CODE = {"code"};

  /** Reads one object of an array; the parser is on its START_OBJECT and ends on its END_OBJECT. */
  private interface ObjectReader {
    void read(JsonParser json) throws IOException;
  }

  /** Each object of the array {@code token} starts; anything else is skipped. */
  private static void objects(JsonParser json, JsonToken token, ObjectReader reader)
      throws IOException {
    if (token != JsonToken.START_ARRAY) {
      json.skipChildren();
      return;
    }
    for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
      if (item == JsonToken.START_OBJECT) {
        reader.read(json);
      } else {
        json.skipChildren();
      }
    }
  }

  /** The {@code code} of the first element of the array {@code token} starts (subtype). */
  private static String firstCode(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      json.skipChildren();
      return null;
    }
    String code = null;
    boolean first = true;
    for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
      if (first) {
        code = stringAt(json, item, CODE, 0);
        first = false;
      } else {
        json.skipChildren();
      }
    }
    return code;
  }

  /** The {@code coding[0].code} of the CodeableConcept object {@code token} starts. */
  private static String codingCode(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      json.skipChildren();
      return null;
    }
    String code = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      JsonToken value = json.nextToken();
      if (name.equals("coding")) {
        code = firstCode(json, value);
      } else {
        json.skipChildren();
      }
    }
    return code;
  }

  /**
   * The string at {@code names[depth..]} inside the value {@code token} starts (objects only); null
   * when absent or not a string. The parser ends on the last token of that value.
   */
  private static String stringAt(JsonParser json, JsonToken token, String[] names, int depth)
      throws IOException {
    if (depth == names.length) {
      return string(json, token);
    }
    if (token != JsonToken.START_OBJECT) {
      json.skipChildren();
      return null;
    }
    String found = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      JsonToken value = json.nextToken();
      if (name.equals(names[depth])) {
        found = stringAt(json, value, names, depth + 1);
      } else {
        json.skipChildren();
      }
    }
    return found;
  }

  /** The string value {@code token} is; null (and the value skipped) when it is not a string. */
  private static String string(JsonParser json, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      return json.getText();
    }
    json.skipChildren();
    return null;
  }

  private static String text(String value) {
    if (value == null) {
      throw new IllegalArgumentException("an AuditEvent element is missing or not a string");
    }
    return value;
  }

  /**
   * {@link #INSTANT}'s text of {@code when}, written by hand for years 1-9999 (each event's time is
   * written once and read once; the formatter and parser were a tenth of the sink's work).
   */
  static String instant(Instant when) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(when.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 1 || t.getYear() > 9999) { // the formatter writes year-of-era
      return INSTANT.format(when);
    }
    char[] c = "0000-00-00T00:00:00.000Z".toCharArray();
    digits(c, 0, t.getYear(), 4);
    digits(c, 5, t.getMonthValue(), 2);
    digits(c, 8, t.getDayOfMonth(), 2);
    digits(c, 11, t.getHour(), 2);
    digits(c, 14, t.getMinute(), 2);
    digits(c, 17, t.getSecond(), 2);
    digits(c, 20, when.getNano() / 1_000_000, 3);
    return new String(c);
  }

  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * The instant of a FHIR {@code instant}: {@link #instant(Instant)}'s shape read by hand, any
   * other offset or precision by the ISO parser.
   */
  static Instant instant(String value) {
    if (value.length() == 24
        && value.charAt(4) == '-'
        && value.charAt(7) == '-'
        && value.charAt(10) == 'T'
        && value.charAt(13) == ':'
        && value.charAt(16) == ':'
        && value.charAt(19) == '.'
        && value.charAt(23) == 'Z') {
      int year = number(value, 0, 4);
      int month = number(value, 5, 2);
      int day = number(value, 8, 2);
      int hour = number(value, 11, 2);
      int minute = number(value, 14, 2);
      int second = number(value, 17, 2);
      int millis = number(value, 20, 3);
      if (year >= 1
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= 31
          && hour >= 0
          && hour < 24
          && minute >= 0
          && minute < 60
          && second >= 0
          && second < 60
          && millis >= 0) {
        try {
          return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
              .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
          throw new DateTimeParseException("not a date", value, 0, e);
        }
      }
    }
    return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** The decimal number of {@code width} digits at {@code at}; -1 when one is not a digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
