package io.vitalflow.fhir.patch;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 JSON Patch ({@code application/json-patch+json}) on Jackson's tree of a resource's
 * stored JSON: {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy}, {@code
 * test}, with RFC 6901 JSON Pointers. The operations apply in order to a copy; the first that fails
 * rejects the whole patch (RFC 6902 section 5), so a patch is all or nothing. The result is only
 * JSON: the caller parses and checks it as FHIR like the body of a PUT.
 */
public final class JsonPatch {

  /**
   * Most operations in one patch: each copies nothing, but a bound keeps a request's work small.
   */
  public static final int MAX_OPERATIONS = 1000;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonPatch() {}

  /**
   * @param document the JSON Patch, an array of operation objects
   * @param json the resource as stored
   * @return the patched resource as JSON
   */
  public static String apply(String document, String json) {
    JsonNode patch;
    try {
      patch = JSON.readTree(document == null ? "" : document);
    } catch (JacksonException e) {
      throw PatchRejected.malformed("The JSON Patch is not JSON");
    }
    if (patch == null || !patch.isArray()) {
      throw PatchRejected.malformed("A JSON Patch is a JSON array of operations (RFC 6902)");
    }
    if (patch.size() > MAX_OPERATIONS) {
      throw PatchRejected.malformed(
          "A JSON Patch may have at most " + MAX_OPERATIONS + " operations");
    }
    JsonNode root = JSON.readTree(json);
    int index = 0;
    for (JsonNode operation : patch) {
      root = applyOne(root, operation, index++);
    }
    return JSON.writeValueAsString(root);
  }

  private static JsonNode applyOne(JsonNode root, JsonNode operation, int index) {
    if (!operation.isObject()) {
      throw PatchRejected.malformed("Operation " + index + " is not a JSON object");
    }
    String op = text(operation, "op", index);
    List<String> path = pointer(text(operation, "path", index), index);
    String where = "operation " + index + " (" + op + " " + operation.get("path").asString() + ")";
    switch (op) {
      case "add" -> {
        return add(root, path, value(operation, index), where);
      }
      case "remove" -> {
        remove(root, path, where);
        return root;
      }
      case "replace" -> {
        JsonNode value = value(operation, index);
        if (path.isEmpty()) {
          return value;
        }
        get(root, path, where); // must exist
        JsonNode parent = get(root, path.subList(0, path.size() - 1), where);
        String last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode object) {
          object.set(last, value); // in place: the member keeps its position
        } else if (parent instanceof ArrayNode array) {
          array.set(arrayIndex(last, array.size() - 1, where), value);
        }
        return root;
      }
      case "move" -> {
        List<String> from = pointer(text(operation, "from", index), index);
        if (path.size() > from.size() && path.subList(0, from.size()).equals(from)) {
          throw PatchRejected.malformed(where + ": cannot move a value into itself");
        }
        JsonNode value = get(root, from, where);
        remove(root, from, where);
        return add(root, path, value, where);
      }
      case "copy" -> {
        List<String> from = pointer(text(operation, "from", index), index);
        return add(root, path, get(root, from, where).deepCopy(), where);
      }
      case "test" -> {
        JsonNode value = value(operation, index);
        if (!get(root, path, where).equals(value)) {
          throw PatchRejected.notApplicable(where + ": the test failed");
        }
        return root;
      }
      default ->
          throw PatchRejected.malformed(
              "Operation "
                  + index
                  + " has an unknown op: add, remove, replace, move, copy and test are defined");
    }
  }

  private static String text(JsonNode operation, String member, int index) {
    JsonNode node = operation.get(member);
    if (node == null || !node.isString()) {
      throw PatchRejected.malformed("Operation " + index + " needs \"" + member + "\" as a string");
    }
    return node.asString();
  }

  private static JsonNode value(JsonNode operation, int index) {
    JsonNode value = operation.get("value");
    if (value == null) {
      throw PatchRejected.malformed("Operation " + index + " needs a \"value\"");
    }
    return value.deepCopy();
  }

  /** RFC 6901: {@code /a/b~1c/0} to {@code [a, b/c, 0]}. */
  static List<String> pointer(String pointer, int index) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    if (!pointer.startsWith("/")) {
      throw PatchRejected.malformed(
          "Operation " + index + ": a JSON Pointer is empty or starts with '/'");
    }
    for (String token : pointer.substring(1).split("/", -1)) {
      tokens.add(token.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode get(JsonNode root, List<String> path, String where) {
    JsonNode node = root;
    for (String token : path) {
      node = child(node, token, where);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String token, String where) {
    JsonNode child = null;
    if (node.isObject()) {
      child = node.get(token);
    } else if (node.isArray()) {
      int i = arrayIndex(token, node.size() - 1, where);
      child = node.get(i);
    }
    if (child == null) {
      throw PatchRejected.notApplicable(where + ": the path does not exist");
    }
    return child;
  }

  private static JsonNode add(JsonNode root, List<String> path, JsonNode value, String where) {
    if (path.isEmpty()) {
      return value;
    }
    JsonNode parent = get(root, path.subList(0, path.size() - 1), where);
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode object) {
      object.set(last, value);
    } else if (parent instanceof ArrayNode array) {
      if (last.equals("-")) {
        array.add(value);
      } else {
        array.insert(arrayIndex(last, array.size(), where), value);
      }
    } else {
      throw PatchRejected.notApplicable(where + ": the parent is not an object or array");
    }
    return root;
  }

  private static void remove(JsonNode root, List<String> path, String where) {
    if (path.isEmpty()) {
      throw PatchRejected.notApplicable(where + ": the whole resource cannot be removed");
    }
    JsonNode parent = get(root, path.subList(0, path.size() - 1), where);
    String last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode object && object.has(last)) {
      object.remove(last);
    } else if (parent instanceof ArrayNode array) {
      array.remove(arrayIndex(last, array.size() - 1, where));
    } else {
      throw PatchRejected.notApplicable(where + ": the path does not exist");
    }
  }

  private static int arrayIndex(String token, int max, String where) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw PatchRejected.notApplicable(where + ": '" + token + "' is not an array index");
    }
    int i = Integer.parseInt(token);
    if (i > max) {
      throw PatchRejected.notApplicable(where + ": index " + i + " is out of bounds");
    }
    return i;
  }
}
