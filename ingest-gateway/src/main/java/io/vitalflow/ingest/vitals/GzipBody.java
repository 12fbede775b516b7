package io.vitalflow.ingest.vitals;

import io.vitalflow.ingest.vitals.parse.BodyTooLargeException;
import io.vitalflow.ingest.vitals.parse.MalformedBodyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.springframework.http.HttpHeaders;

/**
 * {@code Content-Encoding} of a request body: none or {@code identity} as is, {@code gzip} inflated
 * with {@code max-body-size} applied to the inflated bytes (a small bomb must not become a large
 * body), anything else refused with 415. Inflating is CPU work on at most {@code max-body-size}
 * bytes, like the parsing after it.
 */
final class GzipBody {

  private GzipBody() {}

  /**
   * Whether the body is gzip-encoded; throws the 415 for an encoding other than gzip or identity.
   */
  static boolean isGzip(HttpHeaders headers) {
    List<String> values = headers.getValuesAsList(HttpHeaders.CONTENT_ENCODING);
    boolean gzip = false;
    for (String value : values) {
      String encoding = value.trim().toLowerCase(Locale.ROOT);
      if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
        if (gzip) {
          throw new UnsupportedContentEncodingException(String.join(", ", values));
        }
        gzip = true;
      } else if (!encoding.equals("identity") && !encoding.isEmpty()) {
        throw new UnsupportedContentEncodingException(String.join(", ", values));
      }
    }
    return gzip;
  }

  /**
   * The inflated body.
   *
   * @throws BodyTooLargeException when the inflated body exceeds {@code maxBytes}
   * @throws MalformedBodyException when the bytes are not one valid gzip stream
   */
  static byte[] inflate(byte[] compressed, int maxBytes, BodyTooLargeException tooLarge) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(Math.min(maxBytes, Math.max(1024, compressed.length * 4)));
    byte[] chunk = new byte[16 * 1024];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), chunk.length)) {
      for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
        if (out.size() + read > maxBytes) {
          throw tooLarge;
        }
        out.write(chunk, 0, read);
      }
    } catch (IOException e) {
      throw new MalformedBodyException(
          "The body is not a valid gzip stream (Content-Encoding: gzip): " + describe(e), e);
    }
    return out.toByteArray();
  }

  private static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > 100 ? message.substring(0, 100) + "..." : message;
  }
}
