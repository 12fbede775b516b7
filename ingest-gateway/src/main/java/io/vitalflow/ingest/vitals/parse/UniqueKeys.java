package io.vitalflow.ingest.vitals.parse;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Duplicate JSON keys are refused. With last-wins (Jackson's default) a proxy that keeps the first
 * {@code "patientId"} and the gateway that keeps the last would read different patients from one
 * body, so a body with a key twice in any object is a 400 as a whole, naming the key. Jackson's own
 * duplicate detection does the work while it parses (one set of names per object), so the cost is
 * small.
 */
final class UniqueKeys {

  private static final String JACKSON_PREFIX = "Duplicate Object property \"";
  private static final int MAX_KEY_LENGTH = 64;

  private UniqueKeys() {}

  /** The factory with duplicate detection switched on. */
  static JsonFactory strict(JsonFactory factory) {
    return factory.rebuild().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  /** The duplicated key if this is Jackson's duplicate-key error, else null. */
  static String duplicateKey(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || !message.startsWith(JACKSON_PREFIX)) {
      return null;
    }
    int end = message.lastIndexOf('"');
    return end > JACKSON_PREFIX.length() ? message.substring(JACKSON_PREFIX.length(), end) : "";
  }

  /** The 400 for a duplicated key, found at {@code where} (e.g. "line 3, column 40"). */
  static MalformedBodyException refused(String key, String where, JacksonException cause) {
    String shown = key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) + "..." : key;
    MalformedBodyException refused =
        new MalformedBodyException(
            "Duplicate key \""
                + shown
                + "\" "
                + where
                + ": a key may appear only once per JSON object.",
            cause);
    refused.getBody().setProperty("duplicateKey", shown);
    return refused;
  }

  /** Reads the whole body with a strict parser, throwing the 400 on the first duplicated key. */
  static void check(JsonFactory strict, byte[] body) {
    try (JsonParser parser = strict.createParser(ObjectReadContext.empty(), body)) {
      while (parser.nextToken() != null) {
        // the parser checks each name as it reads it
      }
    } catch (JacksonException e) {
      String key = duplicateKey(e);
      if (key != null) {
        throw refused(key, at(e), e);
      }
      // other syntax errors are the FHIR parser's to report, in its words
    }
  }

  static String at(JacksonException e) {
    var location = e.getLocation();
    return location == null || location.getLineNr() <= 0
        ? "in the body"
        : "at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
