package io.vitalflow.web.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vitalflow.security.*}: whether requests need a token, and where an issuer keeps the claims
 * VitalFlow reads (they differ between issuers; docs/security.md lists them per issuer). The issuer
 * itself is Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param enabled whether every endpoint but health and the public paths needs a bearer token
 * @param clockSkew how far a token's {@code exp}, {@code nbf} and {@code iat} may be off
 * @param opsScope the scope that opens the actuator endpoints other than health
 * @param claims the claim names
 * @param tokenCache how many verified tokens each instance remembers, and for how long at most
 */
@ConfigurationProperties("vitalflow.security")
public record SecuritySettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("5s") Duration clockSkew,
    @DefaultValue("vitalflow/ops") String opsScope,
    @DefaultValue Claims claims,
    @DefaultValue TokenCache tokenCache) {

  /**
   * Claim names.
   *
   * @param scope the scopes (a space-separated string or a list): {@code scope}, Entra ID and Okta
   *     {@code scp}
   * @param patient the SMART patient context
   * @param wards the wards of a dashboard user
   * @param clientId the OAuth client: {@code client_id}, Entra ID {@code azp}; the subject when the
   *     token has no such claim
   */
  /**
   * Verified tokens remembered ({@link VerifiedTokens}).
   *
   * @param size how many (0: verify every request's token)
   * @param maxAge how long at most, even when the token lives longer: a signing key the issuer
   *     withdraws stops working within this time
   */
  public record TokenCache(@DefaultValue("10000") int size, @DefaultValue("5m") Duration maxAge) {}

  public record Claims(
      @DefaultValue("scope") String scope,
      @DefaultValue("patient") String patient,
      @DefaultValue("wards") String wards,
      @DefaultValue("client_id") String clientId) {}
}
