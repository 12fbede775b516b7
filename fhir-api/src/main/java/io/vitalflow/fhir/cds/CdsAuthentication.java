package io.vitalflow.fhir.cds;

import com.nimbusds.jwt.JWTParser;
import io.vitalflow.fhir.access.Access;
import io.vitalflow.web.security.Caller;
import io.vitalflow.web.security.CallerAuthentication;
import io.vitalflow.web.security.Callers;
import io.vitalflow.web.security.Interaction;
import io.vitalflow.web.security.InvalidTokenException;
import io.vitalflow.web.security.TokenAuthenticator;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who calls a CDS service, and with which rights the service reads the FHIR store for it.
 *
 * <p>Callers: with trusted EHRs configured ({@link CdsSettings}), the services authenticate every
 * request themselves (web-support leaves {@code /cds-services/**} to them): a CDS Hooks 2.0 JWT
 * signed by a trusted EHR (its keys from the EHR's JWKS URL; {@code aud} the URL the EHR called,
 * {@code exp}, {@code iat} and {@code jti} present), or a token of this server's own issuer with a
 * MedicationRequest search scope. Without trusted EHRs only the latter, checked by web-support's
 * filter first.
 *
 * <p>The store: the medication lookup of a request without prefetch runs with the rights of {@code
 * fhirAuthorization.access_token} when the request has one (verified as a token of this server's
 * issuer: its scopes and patient compartment apply), else with the caller's own token; a trusted
 * EHR's JWT gives no store rights of its own.
 */
@Component
final class CdsAuthentication {

  /** What authenticated a request, and what the store lookup may use (empty: nothing). */
  record Verified(String who, Optional<Authentication> storeRights) {}

  private final TokenAuthenticator tokens;
  private final Map<String, ReactiveJwtDecoder> ehrs = new HashMap<>();

  /** CDS Hooks 2.0: an EHR's JWT expires at most 5 minutes after it was issued. */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

  private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
  private static final int MAX_REMEMBERED = 100_000;

  /** {@code "<issuer> <jti>"} of the EHR JWTs seen, until they expire. */
  private final Map<String, Instant> used = new ConcurrentHashMap<>();

  CdsAuthentication(TokenAuthenticator tokens, CdsSettings settings) {
    this.tokens = tokens;
    for (CdsSettings.TrustedIssuer ehr : settings.issuers()) {
      NimbusReactiveJwtDecoder decoder =
          NimbusReactiveJwtDecoder.withJwkSetUri(ehr.jwksUri())
              .jwsAlgorithms(
                  algorithms -> {
                    algorithms.clear();
                    algorithms.addAll(List.of(SignatureAlgorithm.values()));
                  })
              .build();
      OAuth2TokenValidator<Jwt> validator =
          new DelegatingOAuth2TokenValidator<>(
              new JwtTimestampValidator(CLOCK_SKEW), new JwtIssuerValidator(ehr.issuer()));
      decoder.setJwtValidator(validator);
      ehrs.put(ehr.issuer(), decoder);
    }
  }

  /** Security switched off: every caller may, the store lookup sees everything. */
  static CdsAuthentication unsecured() {
    return new CdsAuthentication(
        new TokenAuthenticator(null, null, false), new CdsSettings(List.of()));
  }

  /** Whether the services authenticate requests themselves (trusted EHRs are configured). */
  boolean selfAuthenticating() {
    return tokens.enabled() && !ehrs.isEmpty();
  }

  /**
   * Authenticates a request to {@code url} (scheme, host, port and path, as the EHR called it).
   * Fails with {@link InvalidTokenException} (401) or {@link
   * io.vitalflow.fhir.access.AccessRefused} (403).
   */
  Mono<Verified> authenticate(String authorization, String url) {
    if (!selfAuthenticating()) {
      return Callers.current()
          .flatMap(
              caller -> {
                Access.check(caller, CdsHooksController.SCOPE_TYPE, Interaction.SEARCH);
                return ReactiveSecurityContextHolder.getContext()
                    .mapNotNull(context -> context.getAuthentication())
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .map(
                        authentication ->
                            new Verified(
                                caller.describe(),
                                authentication.isPresent()
                                    ? authentication
                                    : Optional.of(
                                        new CallerAuthentication(Caller.UNSECURED, null))));
              });
    }
    String token = TokenAuthenticator.bearer(authorization);
    if (token == null) {
      return Mono.error(
          new InvalidTokenException(
              "no bearer token: send a CDS Hooks JWT of a trusted EHR or a token of this"
                  + " server's issuer"));
    }
    ReactiveJwtDecoder ehr = ehrs.get(unverifiedIssuer(token));
    if (ehr == null) {
      return tokens
          .authenticate(token)
          .map(
              authentication -> {
                Access.check(
                    authentication.caller(), CdsHooksController.SCOPE_TYPE, Interaction.SEARCH);
                return new Verified(
                    authentication.caller().describe(), Optional.of(authentication));
              });
    }
    return ehr.decode(token)
        .onErrorMap(
            JwtException.class,
            e -> new InvalidTokenException("the EHR's CDS Hooks JWT is not valid: " + reason(e)))
        .map(
            jwt -> {
              List<String> audience = jwt.getAudience() == null ? List.of() : jwt.getAudience();
              if (!audience.contains(url)) {
                throw new InvalidTokenException(
                    "the CDS Hooks JWT is not for this service (aud must be the URL called, "
                        + url
                        + ")");
              }
              if (jwt.getExpiresAt() == null || jwt.getIssuedAt() == null || jwt.getId() == null) {
                throw new InvalidTokenException("a CDS Hooks JWT needs exp, iat and jti");
              }
              if (jwt.getExpiresAt().isAfter(jwt.getIssuedAt().plus(MAX_LIFETIME))) {
                throw new InvalidTokenException(
                    "a CDS Hooks JWT may live 5 minutes at most (exp - iat)");
              }
              if (!usedOnce(jwt)) {
                throw new InvalidTokenException(
                    "this CDS Hooks JWT was used before (jti): the EHR signs one per request");
              }
              return new Verified("EHR " + jwt.getIssuer(), Optional.empty());
            });
  }

  /**
   * Whether this is the first use of the JWT's {@code jti} (per issuer) while it is valid; a
   * replayed JWT is refused. The memory holds a JWT until its {@code exp} plus the clock skew (at
   * most 5 minutes and 5 seconds after {@code iat}); when full even after forgetting the expired
   * ones, new JWTs are refused rather than let replays through.
   */
  private boolean usedOnce(Jwt jwt) {
    Instant now = Instant.now();
    Instant until = jwt.getExpiresAt().plus(CLOCK_SKEW);
    if (used.size() >= MAX_REMEMBERED) {
      used.values().removeIf(expiry -> expiry.isBefore(now));
      if (used.size() >= MAX_REMEMBERED) {
        return false;
      }
    }
    return used.putIfAbsent(jwt.getIssuer() + " " + jwt.getId(), until) == null;
  }

  /**
   * The rights of the store lookup: {@code fhirAuthorization}'s token when there is one, else what
   * the caller brought; fails with {@link InvalidHookRequest} when there are none or they do not
   * allow searching MedicationRequests.
   */
  Mono<Authentication> storeRights(Verified verified, String fhirAccessToken) {
    if (fhirAccessToken == null) {
      return Mono.justOrEmpty(verified.storeRights())
          .switchIfEmpty(
              Mono.error(
                  () ->
                      new InvalidHookRequest(
                          "without prefetch.medications the service reads the patient's"
                              + " medications from its FHIR store, which needs fhirAuthorization"
                              + " (an access token of this server's issuer)")));
    }
    return tokens
        .authenticate(fhirAccessToken)
        .onErrorMap(
            InvalidTokenException.class,
            e ->
                new InvalidHookRequest(
                    "fhirAuthorization.access_token is not valid here: " + e.getMessage()))
        .map(
            authentication -> {
              if (!authentication.caller().may(CdsHooksController.SCOPE_TYPE, Interaction.SEARCH)) {
                throw new InvalidHookRequest(
                    "fhirAuthorization does not allow searching MedicationRequest: it needs"
                        + " patient/, user/ or system/MedicationRequest.s");
              }
              return authentication;
            });
  }

  private static String unverifiedIssuer(String token) {
    try {
      return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  private static String reason(JwtException e) {
    String message = e.getMessage() == null ? "not valid" : e.getMessage();
    message =
        message
            .replace("An error occurred while attempting to decode the Jwt: ", "")
            .replaceAll("\\s+", " ");
    return message.length() > 200 ? message.substring(0, 200) : message;
  }
}
