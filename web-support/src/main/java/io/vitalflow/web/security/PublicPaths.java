package io.vitalflow.web.security;

import java.util.List;

/**
 * Path patterns (Spring's {@code PathPattern} syntax) a service serves without a token: FHIR's
 * CapabilityStatement and SMART configuration, the ward page's static files. A service declares one
 * bean; health, liveness and readiness are always open.
 *
 * @param patterns the patterns
 */
public record PublicPaths(List<String> patterns) {

  public PublicPaths {
    patterns = List.copyOf(patterns);
  }

  public static PublicPaths of(String... patterns) {
    return new PublicPaths(List.of(patterns));
  }
}
