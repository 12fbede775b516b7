package io.vitalflow.dashboard.push.protocol;

import io.vitalflow.dashboard.push.protocol.Payloads.PatientSnapshot;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Encodes server messages to JSON bytes, once per message. */
public final class Messages {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private Messages() {}

  /** A live event: {@code {"type":..,"seq":..,"patientId":..,<payload fields>}}. */
  public static byte[] live(String type, long seq, String patientId, Object payload) {
    ObjectNode node = head(type, seq);
    node.put("patientId", patientId);
    node.setAll((ObjectNode) JSON.valueToTree(payload));
    return JSON.writeValueAsBytes(node);
  }

  public static byte[] snapshot(long seq, String resume, Collection<PatientSnapshot> patients) {
    ObjectNode node = head("snapshot", seq);
    node.put("resume", resume);
    node.set("patients", JSON.valueToTree(patients));
    return JSON.writeValueAsBytes(node);
  }

  public static byte[] subscribed(
      long seq,
      String requestId,
      String connectionId,
      String instance,
      String ward,
      Collection<String> patients,
      String resume) {
    ObjectNode node = head("subscribed", seq);
    putIfPresent(node, "requestId", requestId);
    node.put("connectionId", connectionId);
    node.put("instance", instance);
    node.put("ward", ward);
    ArrayNode list = node.putArray("patients");
    patients.forEach(list::add);
    node.put("resume", resume);
    return JSON.writeValueAsBytes(node);
  }

  public static byte[] heartbeat(long seq, Instant now, String requestId) {
    ObjectNode node = head("heartbeat", seq);
    node.put("time", now.toString());
    putIfPresent(node, "requestId", requestId);
    return JSON.writeValueAsBytes(node);
  }

  public static byte[] error(
      long seq, String code, String message, String requestId, List<String> patients) {
    ObjectNode node = head("error", seq);
    node.put("code", code);
    node.put("message", message);
    putIfPresent(node, "requestId", requestId);
    if (patients != null && !patients.isEmpty()) {
      ArrayNode list = node.putArray("patients");
      patients.forEach(list::add);
    }
    return JSON.writeValueAsBytes(node);
  }

  public static JsonNode parse(String text) {
    return JSON.readTree(text);
  }

  private static ObjectNode head(String type, long seq) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", type);
    node.put("seq", seq);
    return node;
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
