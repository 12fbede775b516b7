package io.vitalflow.web.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Verifies a bearer token outside the WebFlux filter chain (the dashboard's WebSocket route runs on
 * Reactor Netty directly): the same decoder, validators and claim names as every HTTP request.
 */
public final class TokenAuthenticator {

  private final ReactiveJwtDecoder decoder;
  private final CallerClaims claims;
  private final boolean enabled;

  /**
   * Tokens' callers, by token; an entry is used only for the very {@link Jwt} it was made of (the
   * one {@link VerifiedTokens} hands out while it remembers the token).
   */
  private final Map<String, Mapped> mapped = new ConcurrentHashMap<>();

  private static final int MAX_MAPPED = 10_000;

  public TokenAuthenticator(ReactiveJwtDecoder decoder, CallerClaims claims, boolean enabled) {
    this.decoder = decoder;
    this.claims = claims;
    this.enabled = enabled;
  }

  /** Whether requests need a token at all ({@code vitalflow.security.enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The authentication a token stands for; an {@link InvalidTokenException} saying why when it does
   * not verify. With security switched off, {@link Caller#UNSECURED} for any token or none.
   */
  public Mono<CallerAuthentication> authenticate(String bearerToken) {
    if (!enabled) {
      return Mono.just(new CallerAuthentication(Caller.UNSECURED, null));
    }
    if (bearerToken == null || bearerToken.isBlank()) {
      return Mono.error(new InvalidTokenException("no bearer token"));
    }
    return decoder
        .decode(bearerToken.trim())
        .onErrorMap(JwtException.class, e -> new InvalidTokenException(Tokens.reason(e)))
        .map(this::authentication);
  }

  /**
   * The authentication of a token taken from a request ({@link BearerTokenFilter}); the decoder's
   * {@link JwtException} when it does not verify.
   */
  Mono<CallerAuthentication> verify(String token) {
    return decoder.decode(token).map(this::authentication);
  }

  /**
   * The token of an {@code Authorization} header value ({@code Bearer <token>}, scheme in any
   * case), or null.
   */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return value.substring(7).trim();
  }

  CallerAuthentication authentication(Jwt jwt) {
    // the same token comes with every request of a client: map its claims, and make its
    // authentication (a list of authorities), once; nothing changes an authentication after it is
    // made (no provider manager erases its credentials), so requests share it
    Mapped known = mapped.get(jwt.getTokenValue());
    if (known != null && known.jwt() == jwt) {
      return known.authentication();
    }
    CallerAuthentication authentication = new CallerAuthentication(claims.caller(jwt), jwt);
    if (mapped.size() >= MAX_MAPPED) {
      mapped.clear();
    }
    mapped.put(jwt.getTokenValue(), new Mapped(jwt, authentication));
    return authentication;
  }

  private record Mapped(Jwt jwt, CallerAuthentication authentication) {}
}
