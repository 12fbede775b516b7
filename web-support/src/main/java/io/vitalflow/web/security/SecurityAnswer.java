package io.vitalflow.web.security;

import io.vitalflow.web.OverloadAnswer;
import java.nio.charset.StandardCharsets;

/**
 * The body of a refused request: 401 (no token, or one that does not verify) and 403 (a token
 * without the scope the request needs). RFC 9457 problem details by default; fhir-api answers with
 * an OperationOutcome under {@code /fhir}. The {@code WWW-Authenticate} header is set separately.
 */
@FunctionalInterface
public interface SecurityAnswer {

  /**
   * The body for a request to {@code path} that was refused.
   *
   * @param status 401 or 403
   * @param detail why, in words a client can act on (no token, no request data)
   */
  OverloadAnswer.Body body(int status, String path, String detail);

  /** RFC 9457 problem details. */
  static OverloadAnswer.Body problem(int status, String path, String detail) {
    String title = status == 401 ? "Unauthorized" : "Forbidden";
    String json =
        "{\"type\":\"about:blank\",\"title\":\""
            + title
            + "\",\"status\":"
            + status
            + ",\"detail\":\""
            + OverloadAnswer.Json.escape(detail)
            + "\",\"instance\":\""
            + OverloadAnswer.Json.escape(path)
            + "\"}";
    return new OverloadAnswer.Body(
        "application/problem+json", json.getBytes(StandardCharsets.UTF_8));
  }
}
