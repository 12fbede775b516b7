package io.vitalflow.ingest.vitals.parse;

/** Takes a request body of one media type apart into readings. */
public interface BodyParser {

  /**
   * @throws MalformedBodyException when the body as a whole is unreadable (the only exception for
   *     bad input)
   * @throws BodyTooLargeException when it holds more than {@code maxItems} items
   */
  ParsedBatch parse(byte[] body, int maxItems);
}
