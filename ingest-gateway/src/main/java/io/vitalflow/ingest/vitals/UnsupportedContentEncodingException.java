package io.vitalflow.ingest.vitals;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A {@code Content-Encoding} other than {@code gzip} (or {@code identity}): 415 with problem
 * details and {@code Accept-Encoding: gzip} (RFC 7694), so the client learns what it may send
 * instead.
 */
final class UnsupportedContentEncodingException extends ErrorResponseException {

  private static final long serialVersionUID = 1L;
  private static final int MAX_SHOWN = 64;

  UnsupportedContentEncodingException(String encoding) {
    super(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding '"
                + shown(encoding)
                + "' is not supported; send the body uncompressed or with"
                + " Content-Encoding: gzip."),
        null);
    getHeaders().set(HttpHeaders.ACCEPT_ENCODING, "gzip");
  }

  private static String shown(String encoding) {
    String printable = encoding.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() > MAX_SHOWN ? printable.substring(0, MAX_SHOWN) + "..." : printable;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
