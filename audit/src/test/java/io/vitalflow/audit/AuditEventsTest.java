package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.junit.jupiter.api.Test;

/**
 * The AuditEvent of a record: BALP's shape, read by HAPI's own parser, and nothing in it but
 * identifiers.
 */
class AuditEventsTest {

  private static final Instant WHEN = Instant.parse("2026-03-01T10:15:30.123Z");

  private static AuditRecord userRead() {
    return AuditRecord.builder("fhir-api", AuditSubtype.READ)
        .id(UUID.fromString("0b7f5c84-5d4e-4a39-9d3c-0d6c2b8a1e11"))
        .recorded(WHEN)
        .status(200)
        .agent("nurse.ana", "ward-dashboard")
        .source("10.1.2.3")
        .patient("p-1")
        .entity("Observation/obs-9/_history/2")
        .requestId("req-42")
        .build();
  }

  @Test
  void aReadIsShapedLikeBalpAndParsesWithHapi() {
    String json = AuditEvents.toJson(userRead());

    AuditEvent event =
        FhirContext.forR4Cached().newJsonParser().parseResource(AuditEvent.class, json);
    assertThat(event.getIdElement().getIdPart()).isEqualTo("0b7f5c84-5d4e-4a39-9d3c-0d6c2b8a1e11");
    assertThat(event.getType().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/audit-event-type");
    assertThat(event.getType().getCode()).isEqualTo("rest");
    assertThat(event.getSubtypeFirstRep().getSystem())
        .isEqualTo("http://hl7.org/fhir/restful-interaction");
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
    assertThat(event.getAction().toCode()).isEqualTo("R");
    assertThat(event.getRecorded().toInstant()).isEqualTo(WHEN);
    assertThat(event.getOutcome().toCode()).isEqualTo("0");
    assertThat(event.getOutcomeDesc()).isEqualTo("HTTP 200");

    assertThat(event.getAgent()).hasSize(2);
    AuditEventAgentComponent user = event.getAgent().get(0);
    assertThat(user.getType().getCodingFirstRep().getCode()).isEqualTo("humanuser");
    assertThat(user.getWho().getIdentifier().getValue()).isEqualTo("nurse.ana");
    assertThat(user.getRequestor()).isTrue();
    assertThat(user.getNetwork().getAddress()).isEqualTo("10.1.2.3");
    assertThat(user.getNetwork().getType().toCode()).isEqualTo("2");
    AuditEventAgentComponent client = event.getAgent().get(1);
    assertThat(client.getType().getCodingFirstRep().getCode()).isEqualTo("110150");
    assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("ward-dashboard");
    assertThat(client.getRequestor()).isFalse();

    assertThat(event.getSource().getObserver().getDisplay()).isEqualTo("fhir-api");
    assertThat(event.getSource().getTypeFirstRep().getCode()).isEqualTo("4");

    List<AuditEventEntityComponent> entities = event.getEntity();
    assertThat(entities).hasSize(3);
    assertThat(entities.get(0).getWhat().getReference()).isEqualTo("Patient/p-1");
    assertThat(entities.get(0).getType().getCode()).isEqualTo("1");
    assertThat(entities.get(0).getRole().getCode()).isEqualTo("1");
    assertThat(entities.get(1).getWhat().getReference()).isEqualTo("Observation/obs-9/_history/2");
    assertThat(entities.get(1).getType().getCode()).isEqualTo("2");
    assertThat(entities.get(2).getType().getCode()).isEqualTo("XrequestId");
    assertThat(entities.get(2).getWhat().getIdentifier().getValue()).isEqualTo("req-42");
  }

  @Test
  void theJsonHoldsOnlyIdentifiersAndCodes() throws Exception {
    JsonNode json = new ObjectMapper().readTree(AuditEvents.toJson(userRead()));
    Set<String> paths = new TreeSet<>();
    collectPaths(json, "", paths);
    // every element of the event: no query, no detail, no description, no content of a resource
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "resourceType",
            "id",
            "extension.url",
            "extension.valueInteger",
            "type.system",
            "type.code",
            "type.display",
            "subtype.system",
            "subtype.code",
            "subtype.display",
            "action",
            "recorded",
            "outcome",
            "outcomeDesc",
            "agent.type.coding.system",
            "agent.type.coding.code",
            "agent.type.coding.display",
            "agent.who.identifier.value",
            "agent.requestor",
            "agent.network.address",
            "agent.network.type",
            "source.observer.identifier.value",
            "source.observer.display",
            "source.type.system",
            "source.type.code",
            "source.type.display",
            "entity.what.reference",
            "entity.what.identifier.value",
            "entity.type.system",
            "entity.type.code",
            "entity.type.display",
            "entity.role.system",
            "entity.role.code",
            "entity.role.display");
  }

  @Test
  void aRecordRefusesAnythingThatIsNotAnIdentifierWithoutQuotingIt() {
    String body = "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":182}}";
    assertThatThrownBy(
            () -> AuditRecord.builder("fhir-api", AuditSubtype.CREATE).entity(body).build())
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("182");
    assertThatThrownBy(
            () ->
                AuditRecord.builder("fhir-api", AuditSubtype.SEARCH_TYPE)
                    .entity("Observation?code=8867-4")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("8867-4");
    assertThatThrownBy(
            () -> AuditRecord.builder("fhir-api", AuditSubtype.READ).patient("Ana Souza").build())
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("Souza");
    assertThatThrownBy(
            () -> AuditRecord.builder("fhir-api", AuditSubtype.READ).agent("a b", null).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditRecord.builder("fhir-api", AuditSubtype.READ).status(99).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readingTheJsonBackGivesTheSameRecord() {
    List<AuditRecord> records = new ArrayList<>();
    records.add(userRead());
    // client credentials: the client is its own subject, one agent
    records.add(
        AuditRecord.builder("ingest-gateway", AuditSubtype.VITALS_INGEST)
            .recorded(WHEN)
            .status(207)
            .agent(null, "gateway-7")
            .patients(List.of("sim-1", "sim-2"))
            .build());
    // unauthenticated and refused
    records.add(
        AuditRecord.builder("fhir-api", AuditSubtype.AUTHENTICATION)
            .recorded(WHEN)
            .status(401)
            .source("2001:db8::1")
            .entity("Patient")
            .build());
    // a WebSocket message: no HTTP status
    records.add(
        AuditRecord.builder("dashboard-push", AuditSubtype.SUBSCRIBE)
            .recorded(WHEN)
            .agent("nurse.ana", "ward-dashboard")
            .entity("Patient/p-9")
            .build());
    records.add(
        AuditRecord.builder("fhir-api", AuditSubtype.TRANSACTION)
            .recorded(WHEN)
            .status(503)
            .action(AuditAction.EXECUTE)
            .agent("svc", "svc")
            .build());
    IParser hapi = FhirContext.forR4Cached().newJsonParser().setStripVersionsFromReferences(false);
    for (AuditRecord record : records) {
      String json = AuditEvents.toJson(record);
      assertThat(AuditEvents.fromJson(json)).isEqualTo(record);
      // the JSON written directly is the document HAPI writes of toFhir, element for element
      AuditEvent parsed = hapi.parseResource(AuditEvent.class, json);
      assertThat(hapi.encodeResourceToString(parsed))
          .isEqualTo(hapi.encodeResourceToString(AuditEvents.toFhir(record)));
      assertThat(AuditEvents.fromFhir(parsed)).isEqualTo(record);
    }
    AuditRecord ingest = records.get(1);
    assertThat(ingest.agentSubject()).isEqualTo("gateway-7");
    assertThat(ingest.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(ingest.key()).isEqualTo("sim-1");
    AuditEvent refused = AuditEvents.toFhir(records.get(2));
    assertThat(refused.getOutcome().toCode()).isEqualTo("4");
    assertThat(refused.getAgentFirstRep().getName()).isEqualTo("unauthenticated");
    assertThat(refused.getAgentFirstRep().getRequestor()).isTrue();
    assertThat(refused.getEntityFirstRep().getWhat().getType()).isEqualTo("Patient");
    assertThat(records.get(3).patients()).containsExactly("p-9");
    assertThat(records.get(3).entities()).isEmpty();
    assertThat(AuditEvents.toFhir(records.get(4)).getOutcome().toCode()).isEqualTo("8");
    assertThat(AuditEvents.toFhir(records.get(4)).getAgent()).hasSize(1);
  }

  @Test
  void theStreamingReaderTakesTheElementsInAnyOrderAndSkipsOthers() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    AuditRecord record = userRead();
    JsonNode written = mapper.readTree(AuditEvents.toJson(record));
    // every object's members in reverse order, and elements the record does not hold
    JsonNode shuffled = reversed(written, mapper);
    ((com.fasterxml.jackson.databind.node.ObjectNode) shuffled)
        .put("language", "en")
        .putObject("meta")
        .putArray("tag")
        .addObject()
        .put("code", "x");
    ((com.fasterxml.jackson.databind.node.ObjectNode) shuffled.path("agent").path(0))
        .putArray("policy")
        .add("urn:x");

    assertThat(AuditEvents.fromJson(mapper.writeValueAsString(shuffled))).isEqualTo(record);
  }

  private static JsonNode reversed(JsonNode node, ObjectMapper mapper) {
    if (node.isObject()) {
      var out = mapper.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      for (int i = names.size() - 1; i >= 0; i--) {
        out.set(names.get(i), reversed(node.get(names.get(i)), mapper));
      }
      return out;
    }
    if (node.isArray()) {
      var out = mapper.createArrayNode();
      node.forEach(item -> out.add(reversed(item, mapper)));
      return out;
    }
    return node;
  }

  @Test
  void jsonThatIsNotSuchAnAuditEventIsRefused() {
    assertThatThrownBy(() -> AuditEvents.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditEvents.fromJson("{\"resourceType\":\"AuditEvent\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditEvents.fromJson("{\"resourceType\":\"Patient\",\"id\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    String good = AuditEvents.toJson(userRead());
    for (String bad :
        List.of(
            "",
            "[]",
            "\"AuditEvent\"",
            good.substring(0, good.length() / 2),
            good.replace("\"recorded\":\"", "\"recorded\":\"x"),
            good.replace("\"outcome\":\"0\"", "\"outcome\":0"),
            good.replace("\"reference\":\"Patient/", "\"reference\":\"Group/"),
            good.replace("\"subtype\":[", "\"subtype\":[{},"))) {
      assertThatThrownBy(() -> AuditEvents.fromJson(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("p-1");
    }
  }

  private static void collectPaths(JsonNode node, String path, Set<String> paths) {
    if (node.isArray()) {
      node.forEach(item -> collectPaths(item, path, paths));
    } else if (node.isObject()) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        collectPaths(node.get(name), path.isEmpty() ? name : path + "." + name, paths);
      }
    } else {
      paths.add(path);
    }
  }
}
