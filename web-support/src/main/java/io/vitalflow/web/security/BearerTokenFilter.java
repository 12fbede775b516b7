package io.vitalflow.web.security;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * The resource server's authentication and authorization in one step, in place of Spring Security's
 * bearer-token {@code AuthenticationWebFilter}, {@code AuthorizationWebFilter} and their matchers:
 * every request goes through this one filter, and the rules it applies are three.
 *
 * <ol>
 *   <li>An open path (health, the service's {@link PublicPaths}) is served without reading the
 *       {@code Authorization} header: a client that sends an expired token along gets the open
 *       answer, and the request has no authentication ({@link Caller#ANONYMOUS}).
 *   <li>Any other path needs a bearer token that verifies ({@link TokenAuthenticator}: the issuer's
 *       keys, algorithm, issuer, audience, times; a token that verified is remembered until its
 *       expiry by {@link VerifiedTokens}). No token: 401 {@code Bearer}; a token that does not
 *       verify or a malformed header: 401 {@code invalid_token} with the reason.
 *   <li>The actuator (but health) also needs the operations scope: 403 {@code insufficient_scope}.
 * </ol>
 *
 * The request then runs with the token's {@link CallerAuthentication} in the Reactor context
 * ({@link Callers#current()}, {@code exchange.getPrincipal()}). Refusals go through {@link
 * Refusals} (and so to the audit trail).
 *
 * <p>Why not Spring Security's filters: each request went through a chain of reactive matchers
 * ({@code OrServerWebExchangeMatcher} over every open path, twice), a regular expression for the
 * header, an authentication manager, a success handler, a security context repository and a
 * delegating authorization manager, which together cost a FHIR read by id about as much CPU as the
 * read itself (docs/benchmarks.md). What stays Spring Security's: the firewall of {@code
 * WebFilterChainProxy} and the security headers.
 */
final class BearerTokenFilter implements WebFilter {

  /** The token characters RFC 6750 allows ({@code b64token}), by ASCII code; then {@code =}s. */
  private static final boolean[] TOKEN_CHARS = new boolean[128];

  static {
    for (char c :
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".toCharArray()) {
      TOKEN_CHARS[c] = true;
    }
  }

  private final TokenAuthenticator authenticator;
  private final Refusals refusals;
  private final List<PathPattern> open;
  private final PathPattern actuator;
  private final PathPattern actuatorRoot;
  private final String opsScope;

  BearerTokenFilter(
      TokenAuthenticator authenticator,
      Refusals refusals,
      List<String> openPatterns,
      String opsScope) {
    this.authenticator = authenticator;
    this.refusals = refusals;
    PathPatternParser parser = PathPatternParser.defaultInstance;
    this.open = openPatterns.stream().map(parser::parse).toList();
    this.actuator = parser.parse("/actuator/**");
    this.actuatorRoot = parser.parse("/actuator");
    this.opsScope = opsScope;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
    for (PathPattern pattern : open) {
      if (pattern.matches(path)) {
        return chain.filter(exchange);
      }
    }
    String token;
    try {
      token = bearer(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
    } catch (OAuth2AuthenticationException malformed) {
      return refusals.commence(exchange, malformed);
    }
    if (token == null) {
      return refusals.commence(
          exchange, new AuthenticationCredentialsNotFoundException("no bearer token"));
    }
    boolean ops = actuator.matches(path) || actuatorRoot.matches(path);
    return authenticator
        .verify(token)
        .onErrorResume(JwtException.class, e -> refuse(exchange, e).then(Mono.empty()))
        .flatMap(
            authentication -> {
              // a refusal runs with the caller too: the audit trail names who was refused
              Mono<Void> next =
                  ops && !authentication.caller().scopes().names().contains(opsScope)
                      ? refusals.handle(exchange, new AccessDeniedException("no operations scope"))
                      : chain.filter(exchange);
              return next.contextWrite(Callers.context(authentication));
            });
  }

  /**
   * The answer to a token that did not verify: 401 when the token is at fault; an issuer that
   * cannot be asked (its JWKS unreachable) is the server's failure, as with Spring's filter.
   */
  private Mono<Void> refuse(ServerWebExchange exchange, JwtException e) {
    if (e instanceof BadJwtException) {
      return refusals.commence(exchange, new InvalidBearerTokenException(Tokens.reason(e)));
    }
    return Mono.error(new AuthenticationServiceException(Tokens.reason(e), e));
  }

  /**
   * The token of an {@code Authorization} header as Spring Security's bearer-token converter reads
   * it: null when there is no header or another scheme; {@code Bearer} (any case), one space and an
   * RFC 6750 token, else 401 {@code invalid_token} "Bearer token is malformed".
   */
  static String bearer(String authorization) {
    if (authorization == null
        || authorization.length() < 6
        || !authorization.regionMatches(true, 0, "bearer", 0, 6)) {
      return null;
    }
    int start = 7;
    int end = authorization.length();
    boolean wellFormed = end > start && authorization.charAt(6) == ' ';
    int i = start;
    while (wellFormed && i < end && isTokenChar(authorization.charAt(i))) {
      i++;
    }
    boolean anyTokenChar = i > start;
    while (wellFormed && i < end && authorization.charAt(i) == '=') {
      i++;
    }
    if (!wellFormed || !anyTokenChar || i != end) {
      throw new OAuth2AuthenticationException(
          BearerTokenErrors.invalidToken("Bearer token is malformed"));
    }
    return authorization.substring(start);
  }

  private static boolean isTokenChar(char c) {
    return c < 128 && TOKEN_CHARS[c];
  }
}
