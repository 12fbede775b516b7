package io.vitalflow.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The claims of VitalFlow's tokens (docs/security.md "Tokens"): access tokens get {@code
 * aud=[audience]}, {@code client_id}, and for people their {@code sub}, {@code wards} and, for a
 * patient, {@code patient}; ID tokens get {@code fhirUser}.
 */
final class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

  /** The token-request parameter naming the patient context (command-line client only). */
  static final String PATIENT_PARAMETER = "patient";

  /** The token-request parameter naming the user to act for (command-line client only). */
  static final String USER_PARAMETER = "user";

  private final String audience;

  TokenClaims(String audience) {
    this.audience = audience;
  }

  @Override
  public void customize(JwtEncodingContext context) {
    Optional<DevelopmentUsers.User> user = user(context);
    if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
      user.ifPresent(u -> context.getClaims().claim("fhirUser", u.fhirUser()));
      return;
    }
    if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
      return;
    }
    var claims = context.getClaims();
    claims.audience(List.of(audience));
    claims.claim("client_id", context.getRegisteredClient().getClientId());
    user.ifPresent(
        u -> {
          claims.subject(u.name());
          claims.claim("wards", u.wards());
        });
    Optional<String> patient =
        parameter(context, PATIENT_PARAMETER).or(() -> user.flatMap(u -> u.patient()));
    patient.ifPresent(id -> claims.claim("patient", id));
  }

  private static Optional<DevelopmentUsers.User> user(JwtEncodingContext context) {
    if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
      return parameter(context, USER_PARAMETER).flatMap(DevelopmentUsers::user);
    }
    return DevelopmentUsers.user(context.getPrincipal().getName());
  }

  /** A parameter of a client-credentials token request (validated by {@link TokenRequests}). */
  private static Optional<String> parameter(JwtEncodingContext context, String name) {
    if (context.getAuthorizationGrant()
        instanceof OAuth2ClientCredentialsAuthenticationToken request) {
      Map<String, Object> parameters = request.getAdditionalParameters();
      if (parameters.get(name) instanceof String value) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }
}
