package io.vitalflow.web;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Structured (JSON) log lines are bounded like the plain ones ({@link ServiceDefaults}): every text
 * value of a line, the message first, is cut at {@value #MAX_TEXT} characters and marked with
 * {@code …}; the stack trace has its own bound ({@code logging.structured.json.stacktrace.
 * max-length}, 10,000 characters). Without it one log call with a large value (a Kafka client's
 * configuration dump is 5,000 characters) would make a line of any length. Named by {@code
 * logging.structured.json.customizer} in the shared defaults, so it applies whichever format {@code
 * logging.structured.format.console} picks ({@code ecs}, {@code logstash}, {@code gelf}).
 */
public final class BoundedJsonLogLines implements StructuredLoggingJsonMembersCustomizer<Object> {

  /** The longest text value of a line, as the plain pattern's {@code %.-2000m}. */
  static final int MAX_TEXT = 2000;

  @Override
  public void customize(JsonWriter.Members<Object> members) {
    members.applyingValueProcessor(
        JsonWriter.ValueProcessor.of(String.class, BoundedJsonLogLines::bound)
            .whenHasPath(BoundedJsonLogLines::isNotStackTrace));
  }

  /** Members without a name (array elements, pairs) are text too; a null name must not throw. */
  private static boolean isNotStackTrace(JsonWriter.MemberPath path) {
    String name = path.name();
    return name == null || !name.contains("stack_trace");
  }

  static String bound(String value) {
    return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT) + "…";
  }
}
