package io.vitalflow.dashboard.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a test client received, in order, with a cursor for waiting on the next matching message.
 */
final class Received {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<JsonNode> messages = new ArrayList<>();
  private int cursor;

  synchronized void add(String text) {
    messages.add(JSON.readTree(text));
    notifyAll();
  }

  /**
   * Waits for the next message (after the cursor) matching {@code wanted}; the ones before it are
   * skipped.
   */
  synchronized JsonNode await(Predicate<JsonNode> wanted, String description) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      while (cursor < messages.size()) {
        JsonNode message = messages.get(cursor++);
        if (wanted.test(message)) {
          return message;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("No " + description + " within 30 s; received " + messages);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Waits for one message of each of {@code types} for the patient, in any order (they may come
   * from different topics).
   */
  Map<String, JsonNode> awaitEach(String patientId, String... types) {
    Map<String, Predicate<JsonNode>> wanted = new LinkedHashMap<>();
    for (String type : types) {
      wanted.put(type, m -> is(m, type, patientId));
    }
    return awaitEach(wanted);
  }

  /**
   * Waits for one message matching each of the named conditions, in any order: frames of different
   * patients or topics come from different partitions, so their order is not defined.
   */
  Map<String, JsonNode> awaitEach(Map<String, Predicate<JsonNode>> wanted) {
    Map<String, JsonNode> found = new HashMap<>();
    while (found.size() < wanted.size()) {
      JsonNode message =
          await(
              m ->
                  wanted.entrySet().stream()
                      .anyMatch(e -> !found.containsKey(e.getKey()) && e.getValue().test(m)),
              String.join(" and ", wanted.keySet()));
      wanted.entrySet().stream()
          .filter(e -> !found.containsKey(e.getKey()) && e.getValue().test(message))
          .findFirst()
          .ifPresent(e -> found.put(e.getKey(), message));
    }
    return found;
  }

  JsonNode await(String type) {
    return await(message -> type.equals(message.path("type").asString()), "'" + type + "'");
  }

  /** The next message that is not a heartbeat, which must be of this type. */
  JsonNode next(String type) {
    JsonNode message = await(m -> !"heartbeat".equals(m.path("type").asString()), "message");
    assertThat(message.path("type").asString()).as("type of %s", message).isEqualTo(type);
    return message;
  }

  /** Every message received so far (also those already passed). */
  synchronized List<JsonNode> all() {
    return List.copyOf(messages);
  }

  static boolean is(JsonNode message, String type, String patientId) {
    return type.equals(message.path("type").asString())
        && patientId.equals(message.path("patientId").asString());
  }
}
