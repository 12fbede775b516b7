package io.vitalflow.fhir.access;

import java.util.Optional;

/**
 * The authorization server's endpoints as this FHIR server announces them; empty when no issuer is
 * configured (security switched off on a closed network).
 */
public final class SmartEndpoints {

  /** The endpoints; every one is an absolute URL. */
  public record Endpoints(String issuer, String authorize, String token, String jwks) {}

  private final Endpoints endpoints;

  SmartEndpoints(SmartSettings settings, String resourceServerIssuer) {
    String issuer = firstSet(settings.issuer(), resourceServerIssuer);
    if (issuer == null) {
      endpoints = null;
      return;
    }
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    endpoints =
        new Endpoints(
            issuer,
            firstSet(settings.authorizationEndpoint(), base + "/oauth2/authorize"),
            firstSet(settings.tokenEndpoint(), base + "/oauth2/token"),
            firstSet(settings.jwksUri(), base + "/oauth2/jwks"));
  }

  public Optional<Endpoints> endpoints() {
    return Optional.ofNullable(endpoints);
  }

  private static String firstSet(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value.trim();
  }
}
