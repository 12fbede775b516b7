package io.vitalflow.ingest.vitals.parse;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/** Short descriptions of JSON syntax errors, without Jackson's internals. */
final class JsonErrors {

  private static final int MAX_LENGTH = 200;

  private JsonErrors() {}

  static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.length() > MAX_LENGTH) {
      message = message.substring(0, MAX_LENGTH) + "...";
    }
    TokenStreamLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      return message
          + " (line "
          + location.getLineNr()
          + ", column "
          + location.getColumnNr()
          + ")";
    }
    return message;
  }
}
