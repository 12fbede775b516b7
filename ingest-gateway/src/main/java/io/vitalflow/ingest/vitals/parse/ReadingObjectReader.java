package io.vitalflow.ingest.vitals.parse;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads one reading object ({@code {"patientId":..., "value":...}}) off a streaming parser
 * positioned on its {@code START_OBJECT}, without a tree or data binding. Unknown fields are
 * skipped (clients may send more); a field of the wrong JSON type rejects the reading. Not
 * thread-safe: one per parse.
 */
final class ReadingObjectReader {

  private String wrongField;
  private String wrongReason;

  /**
   * Reads the object at the parser's current {@code START_OBJECT} into the collector as item {@code
   * index}.
   */
  void readInto(JsonParser parser, int index, BatchCollector collector) {
    RawReading reading = read(parser, index);
    if (reading != null) {
      collector.accept(reading);
    } else {
      rejectInto(index, collector);
    }
  }

  /** Adds the rejection of the last {@link #read} that returned null. */
  void rejectInto(int index, BatchCollector collector) {
    collector.reject(index, wrongField, wrongReason, RejectReason.WRONG_TYPE);
  }

  /**
   * Reads the object at the parser's current {@code START_OBJECT}, leaving the parser on its {@code
   * END_OBJECT}.
   *
   * @return the reading, or null when a field has the wrong JSON type (see {@link #rejectInto})
   */
  RawReading read(JsonParser parser, int index) {
    wrongField = null;
    String id = null;
    String patientId = null;
    String deviceId = null;
    String code = null;
    double value = Double.NaN;
    String unit = null;
    String effectiveTime = null;
    for (String name = parser.nextName(); name != null; name = parser.nextName()) {
      JsonToken token = parser.nextToken();
      switch (name) {
        case "id" -> id = string(parser, token, name);
        case "patientId" -> patientId = string(parser, token, name);
        case "deviceId" -> deviceId = string(parser, token, name);
        case "code" -> code = string(parser, token, name);
        case "value" -> value = number(parser, token, name);
        case "unit" -> unit = string(parser, token, name);
        case "effectiveTime" -> effectiveTime = string(parser, token, name);
        default -> parser.skipChildren();
      }
    }
    if (wrongField != null) {
      return null;
    }
    return new RawReading(
        index, FieldNames.JSON, id, patientId, deviceId, code, value, unit, effectiveTime);
  }

  private String string(JsonParser parser, JsonToken token, String field) {
    if (token == JsonToken.VALUE_STRING) {
      return parser.getString();
    }
    if (token != JsonToken.VALUE_NULL) {
      wrong(parser, field, "must be a JSON string");
    }
    return null;
  }

  private double number(JsonParser parser, JsonToken token, String field) {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getDoubleValue();
    }
    if (token != JsonToken.VALUE_NULL) {
      wrong(parser, field, "must be a JSON number");
    }
    return Double.NaN;
  }

  private void wrong(JsonParser parser, String field, String reason) {
    parser.skipChildren();
    if (wrongField == null) {
      wrongField = field;
      wrongReason = reason;
    }
  }
}
