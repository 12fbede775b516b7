package io.vitalflow.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter: the original headers plus {@value Topics#DLQ_HEADER_ERROR} (why)
 * and {@value Topics#DLQ_HEADER_SOURCE} ({@code topic-partition@offset}, where it came from).
 */
public final class DeadLetter {

  private DeadLetter() {}

  public static Headers headers(Header[] original, String error, String source) {
    Headers headers = new RecordHeaders(original);
    headers.add(
        Topics.DLQ_HEADER_ERROR,
        (error == null ? "unknown error" : error).getBytes(StandardCharsets.UTF_8));
    headers.add(Topics.DLQ_HEADER_SOURCE, source.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /**
   * The same, plus {@value Topics#DLQ_HEADER_SINK}: the sink or Streams application that set the
   * record aside.
   */
  public static Headers headers(Header[] original, String error, String source, String writer) {
    Headers headers = headers(original, error, source);
    headers.add(Topics.DLQ_HEADER_SINK, writer.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** {@code topic-partition@offset}. */
  public static String source(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
