package io.vitalflow.web;

import java.nio.charset.StandardCharsets;

/**
 * The body of the answers the HTTP limits give themselves: 503 when the service is full (before the
 * request reaches the application) and 408 when a request body did not arrive in time. RFC 9457
 * problem details by default; a service with another error format (FHIR's OperationOutcome under
 * {@code /fhir}) declares its own bean.
 */
@FunctionalInterface
public interface OverloadAnswer {

  /** A response body and its media type. */
  record Body(String contentType, byte[] bytes) {}

  /**
   * The body for a request to {@code path} (without query) that hit a limit.
   *
   * @param status 503 or 408
   * @param detail what was full, in words a client can act on (no request data)
   */
  Body body(int status, String path, String detail);

  /** RFC 9457 problem details ({@code application/problem+json}). */
  static Body problem(int status, String path, String detail) {
    String title = status == 408 ? "Request Timeout" : "Service Unavailable";
    String json =
        "{\"type\":\"about:blank\",\"title\":\""
            + title
            + "\",\"status\":"
            + status
            + ",\"detail\":\""
            + Json.escape(detail)
            + "\",\"instance\":\""
            + Json.escape(path)
            + "\"}";
    return new Body("application/problem+json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** Small JSON string escaping for the bodies above. */
  final class Json {

    private Json() {}

    public static String escape(String text) {
      StringBuilder out = new StringBuilder(text.length() + 8);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }
}
