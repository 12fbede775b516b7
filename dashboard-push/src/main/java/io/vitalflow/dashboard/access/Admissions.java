package io.vitalflow.dashboard.access;

import io.vitalflow.web.security.CallerAuthentication;
import io.vitalflow.web.security.InvalidTokenException;
import io.vitalflow.web.security.TokenAuthenticator;
import java.time.Duration;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Decides whether a WebSocket or SSE connection may open, from its {@code Authorization} header or
 * its ticket: verifies the token (the same decoder and validators as every HTTP request), requires
 * a scope that reads Observation, and fixes when the connection ends: the token's {@code exp} plus
 * the clock skew, the last moment the service would still accept the token for a new request.
 */
public final class Admissions {

  /** What a caller without Observation read is told. */
  public static final String NEEDS_OBSERVATION_READ =
      "Watching patients needs a scope that reads Observation (user/Observation.rs,"
          + " patient/Observation.rs, system/Observation.rs or a wildcard).";

  private final TokenAuthenticator authenticator;
  private final Tickets tickets;
  private final long skewMillis;

  public Admissions(TokenAuthenticator authenticator, Tickets tickets, Duration clockSkew) {
    this.authenticator = authenticator;
    this.tickets = tickets;
    this.skewMillis = clockSkew.toMillis();
  }

  public boolean enabled() {
    return authenticator.enabled();
  }

  public Tickets tickets() {
    return tickets;
  }

  /**
   * The admission of a connection with this {@code Authorization} header value and {@code ticket}
   * query parameter (either may be null; the header wins); a {@link Refused} error otherwise.
   */
  public Mono<Admission> admit(String authorization, String ticket) {
    if (!authenticator.enabled()) {
      if (ticket != null) {
        tickets.redeem(ticket);
      }
      return Mono.just(Admission.UNSECURED);
    }
    if (authorization != null) {
      String token = TokenAuthenticator.bearer(authorization);
      if (token == null || token.isEmpty()) {
        return Mono.error(Refused.invalid("the Authorization header is not 'Bearer <token>'"));
      }
      return authenticator
          .authenticate(token)
          .onErrorMap(InvalidTokenException.class, e -> Refused.invalid(e.getMessage()))
          .onErrorMap(
              e -> !(e instanceof Refused),
              e ->
                  Refused.unavailable(
                      "The token cannot be verified now (token issuer unreachable)."))
          .flatMap(this::admission);
    }
    if (ticket != null) {
      Tickets.Ticket found = tickets.redeem(ticket);
      if (found == null) {
        return Mono.error(Refused.invalid("the ticket is unknown, expired or already used"));
      }
      return Mono.just(new Admission(found.identity(), found.expiresAtMillis()));
    }
    return Mono.error(Refused.missing());
  }

  /** The admission of a request the WebFlux security filters already authenticated. */
  public Mono<Admission> admission(CallerAuthentication authentication) {
    if (!WardAccessPolicy.mayWatch(authentication.caller())) {
      return Mono.error(Refused.insufficientScope(NEEDS_OBSERVATION_READ));
    }
    return Mono.just(
        new Admission(ClientIdentity.of(authentication.caller()), expiresAtMillis(authentication)));
  }

  private long expiresAtMillis(CallerAuthentication authentication) {
    if (authentication.token() == null || authentication.token().getExpiresAt() == null) {
      return Long.MAX_VALUE;
    }
    Instant expires = authentication.token().getExpiresAt();
    return expires.toEpochMilli() + skewMillis;
  }
}
