package io.vitalflow.fhir.input;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Repeating primitives whose items carry only extensions: in FHIR JSON such an element may appear
 * as {@code "_event": [{"extension": [...]}]} alone, without the value array {@code "event"} (or
 * with one of nulls). HAPI's parser reads a lone {@code _event} array as a single element, reports
 * the wrong JSON type and drops it. This adds the value array of nulls HAPI needs, so the resource
 * is accepted and its extensions kept.
 *
 * <p>Costs a tree parse only for bodies that have such an array (a regular-expression look first);
 * every other body is returned as is. Thread-safe.
 */
public final class ExtensionOnlyItems {

  /** A {@code "_name": [} somewhere: the only bodies that may need the fix. */
  private static final Pattern CANDIDATE = Pattern.compile("\"_[A-Za-z][A-Za-z0-9]*\"\\s*:\\s*\\[");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ExtensionOnlyItems() {}

  /**
   * The body with a value array of nulls beside every lone {@code _name} array; the body itself
   * when there is none (or when it is not JSON: the pre-scan has said so already).
   */
  public static String complete(String body) {
    if (!CANDIDATE.matcher(body).find()) {
      return body;
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (RuntimeException e) {
      return body;
    }
    return fill(tree) ? JSON.writeValueAsString(tree) : body;
  }

  /** True when something was added. */
  private static boolean fill(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      Map<String, Integer> missing = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> property : object.properties()) {
        String name = property.getKey();
        if (name.length() > 1
            && name.charAt(0) == '_'
            && property.getValue().isArray()
            && !object.has(name.substring(1))) {
          missing.put(name.substring(1), property.getValue().size());
        }
        changed |= fill(property.getValue());
      }
      for (Map.Entry<String, Integer> value : missing.entrySet()) {
        ArrayNode nulls = object.putArray(value.getKey());
        for (int i = 0; i < value.getValue(); i++) {
          nulls.addNull();
        }
        changed = true;
      }
    } else if (node instanceof ArrayNode array) {
      for (Iterator<JsonNode> items = array.iterator(); items.hasNext(); ) {
        changed |= fill(items.next());
      }
    }
    return changed;
  }
}
