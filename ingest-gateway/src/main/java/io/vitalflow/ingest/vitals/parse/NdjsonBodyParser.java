package io.vitalflow.ingest.vitals.parse;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code application/x-ndjson}: one reading object per line ({@code \n} or {@code \r\n}); blank
 * lines are ignored and not counted. A line that is not a JSON object is rejected on its own, so
 * one corrupt line does not cost the others. A duplicated key in any line refuses the whole body
 * (400, {@link UniqueKeys}): a line that a proxy and the gateway read differently is an attack on
 * the batch, not one bad reading.
 */
public final class NdjsonBodyParser implements BodyParser {

  private final JsonFactory json;

  public NdjsonBodyParser(JsonFactory json) {
    this.json = UniqueKeys.strict(json);
  }

  @Override
  public ParsedBatch parse(byte[] body, int maxItems) {
    BatchCollector collector = new BatchCollector(maxItems);
    ReadingObjectReader reader = new ReadingObjectReader();
    int start = 0;
    while (start < body.length) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      if (!isBlank(body, start, end)) {
        readLine(body, start, end - start, collector.nextItem(), reader, collector);
      }
      start = end + 1;
    }
    return collector.result();
  }

  private void readLine(
      byte[] body,
      int offset,
      int length,
      int index,
      ReadingObjectReader reader,
      BatchCollector collector) {
    try (JsonParser parser = json.createParser(ObjectReadContext.empty(), body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        parser.skipChildren();
        collector.reject(
            index, "", "each line must be one JSON object (a reading)", RejectReason.MALFORMED);
        return;
      }
      RawReading reading = reader.read(parser, index);
      if (parser.nextToken() != null) {
        collector.reject(
            index, "", "each line must hold exactly one JSON object", RejectReason.MALFORMED);
      } else if (reading != null) {
        collector.accept(reading);
      } else {
        reader.rejectInto(index, collector);
      }
    } catch (JacksonException e) {
      String duplicate = UniqueKeys.duplicateKey(e);
      if (duplicate != null) {
        throw UniqueKeys.refused(duplicate, "in the item at index " + index, e);
      }
      collector.reject(
          index, "", "malformed JSON: " + JsonErrors.describe(e), RejectReason.MALFORMED);
    }
  }

  private static boolean isBlank(byte[] body, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
