package io.vitalflow.ingest.vitals.parse;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code application/json}: an array of reading objects, or one reading object. Streaming, no data
 * binding. A syntax error or a duplicated key ({@link UniqueKeys}) anywhere makes the whole body
 * malformed (400); an element that is not an object is rejected on its own.
 */
public final class JsonBodyParser implements BodyParser {

  private final JsonFactory json;

  public JsonBodyParser(JsonFactory json) {
    this.json = UniqueKeys.strict(json);
  }

  @Override
  public ParsedBatch parse(byte[] body, int maxItems) {
    BatchCollector collector = new BatchCollector(maxItems);
    ReadingObjectReader reader = new ReadingObjectReader();
    try (JsonParser parser = json.createParser(ObjectReadContext.empty(), body)) {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_ARRAY) {
        for (JsonToken token = parser.nextToken();
            token != JsonToken.END_ARRAY;
            token = parser.nextToken()) {
          if (token == null) {
            throw new MalformedBodyException("The JSON array is not closed.");
          }
          int index = collector.nextItem();
          if (token == JsonToken.START_OBJECT) {
            reader.readInto(parser, index, collector);
          } else {
            parser.skipChildren();
            collector.reject(
                index, "", "must be a JSON object (a reading)", RejectReason.MALFORMED);
          }
        }
      } else if (first == JsonToken.START_OBJECT) {
        reader.readInto(parser, collector.nextItem(), collector);
      } else {
        throw new MalformedBodyException(
            first == null
                ? "The body is empty."
                : "Expected a JSON array of readings or one reading object.");
      }
      if (parser.nextToken() != null) {
        throw new MalformedBodyException(
            "Unexpected content after the JSON value at " + where(parser) + ".");
      }
    } catch (JacksonException e) {
      String duplicate = UniqueKeys.duplicateKey(e);
      if (duplicate != null) {
        throw UniqueKeys.refused(duplicate, UniqueKeys.at(e), e);
      }
      throw new MalformedBodyException("Malformed JSON: " + JsonErrors.describe(e), e);
    }
    return collector.result();
  }

  private static String where(JsonParser parser) {
    return "line "
        + parser.currentTokenLocation().getLineNr()
        + ", column "
        + parser.currentTokenLocation().getColumnNr();
  }
}
