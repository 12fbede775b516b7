package io.vitalflow.fhir;

import io.vitalflow.web.OverloadAnswer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP limits' answers in FHIR's error format under {@code /fhir} (an OperationOutcome, issue
 * type {@code throttled} for 503 and {@code timeout} for 408), RFC 9457 problem details on the
 * other paths.
 */
final class FhirOverloadAnswer implements OverloadAnswer {

  @Override
  public Body body(int status, String path, String detail) {
    if (!path.equals("/fhir") && !path.startsWith("/fhir/")) {
      return OverloadAnswer.problem(status, path, detail);
    }
    String code = status == 408 ? "timeout" : "throttled";
    String json =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
            + code
            + "\",\"diagnostics\":\""
            + Json.escape(detail)
            + "\"}]}";
    return new Body("application/fhir+json", json.getBytes(StandardCharsets.UTF_8));
  }
}
