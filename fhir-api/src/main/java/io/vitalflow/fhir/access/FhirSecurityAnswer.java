package io.vitalflow.fhir.access;

import io.vitalflow.web.OverloadAnswer;
import io.vitalflow.web.security.SecurityAnswer;
import java.nio.charset.StandardCharsets;

/**
 * The body of a 401 or 403 under {@code /fhir}: an OperationOutcome with issue type {@code login}
 * (no token, or one that does not verify) or {@code forbidden} (a token without the scope the
 * interaction needs); RFC 9457 problem details on every other path ({@code /cds-services}, {@code
 * /api/v1}).
 */
final class FhirSecurityAnswer implements SecurityAnswer {

  @Override
  public OverloadAnswer.Body body(int status, String path, String detail) {
    if (!path.equals("/fhir") && !path.startsWith("/fhir/")) {
      return SecurityAnswer.problem(status, path, detail);
    }
    String code = status == 401 ? "login" : "forbidden";
    String json =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
            + code
            + "\",\"diagnostics\":\""
            + OverloadAnswer.Json.escape(detail)
            + "\"}]}";
    return new OverloadAnswer.Body("application/fhir+json", json.getBytes(StandardCharsets.UTF_8));
  }
}
