package io.vitalflow.web.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * How a resource server verifies tokens: the issuer's keys (from its JWKS, fetched when first
 * needed and again when a token names a key it has not seen, so a rotated key works at once), an
 * asymmetric algorithm (never {@code none}, never HMAC), the issuer, one of the audiences, and the
 * token's times within a small clock skew.
 */
public final class Tokens {

  private Tokens() {}

  /**
   * A decoder for {@code issuerUri} (discovered through OpenID Connect or RFC 8414 metadata on
   * first use) or {@code jwkSetUri}; the issuer is checked when it is known.
   */
  public static ReactiveJwtDecoder decoder(
      String issuerUri, String jwkSetUri, List<String> audiences, Duration clockSkew) {
    NimbusReactiveJwtDecoder decoder;
    if (jwkSetUri != null && !jwkSetUri.isBlank()) {
      decoder =
          NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri)
              .jwsAlgorithms(Tokens::asymmetric)
              .build();
    } else {
      decoder =
          NimbusReactiveJwtDecoder.withIssuerLocation(issuerUri)
              .jwsAlgorithms(Tokens::asymmetric)
              .build();
    }
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(timestamps(clockSkew));
    if (issuerUri != null && !issuerUri.isBlank()) {
      validators.add(new JwtIssuerValidator(issuerUri));
    }
    validators.add(audience(audiences));
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
    return decoder;
  }

  private static void asymmetric(java.util.Set<SignatureAlgorithm> algorithms) {
    algorithms.clear();
    algorithms.addAll(List.of(SignatureAlgorithm.values()));
  }

  private static OAuth2TokenValidator<Jwt> timestamps(Duration clockSkew) {
    JwtTimestampValidator times = new JwtTimestampValidator(clockSkew);
    return jwt -> {
      if (jwt.getExpiresAt() == null) {
        return OAuth2TokenValidatorResult.failure(
            new OAuth2Error("invalid_token", "the token has no expiry (exp)", null));
      }
      return times.validate(jwt);
    };
  }

  private static OAuth2TokenValidator<Jwt> audience(List<String> audiences) {
    return jwt -> {
      List<String> tokenAudiences = jwt.getAudience() == null ? List.of() : jwt.getAudience();
      for (String audience : audiences) {
        if (tokenAudiences.contains(audience)) {
          return OAuth2TokenValidatorResult.success();
        }
      }
      return OAuth2TokenValidatorResult.failure(
          new OAuth2Error(
              "invalid_token",
              "the token is not for this service (aud must name " + audiences + ")",
              null));
    };
  }

  /** Why a token was refused, in at most 200 characters and one line, without the token. */
  static String reason(JwtException e) {
    return reason(e.getMessage());
  }

  /** {@link #reason(JwtException)} of an exception's message. */
  static String reason(String description) {
    String message = description == null ? "the token is not valid" : description;
    message = message.replace("An error occurred while attempting to decode the Jwt: ", "");
    message = message.replaceAll("\\s+", " ").trim();
    return message.length() > 200 ? message.substring(0, 200) : message;
  }
}
