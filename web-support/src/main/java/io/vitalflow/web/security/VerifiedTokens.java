package io.vitalflow.web.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that verified, so a client that sends the same token with every request (all of
 * them do, for the token's lifetime) pays for the signature check once instead of per request: an
 * RSA verification and the claim validators cost more than a FHIR read by id.
 *
 * <p>A remembered token is answered until its {@code exp} (plus the clock skew the validators
 * allow) or for {@code maxAge}, whichever comes first, then verified again: a key the issuer
 * withdraws stops working within {@code maxAge}. Only tokens that verified are remembered (a
 * refused one is checked again every time, and cannot fill the cache), at most {@code maxEntries}
 * of them; when full, expired entries go first, then all.
 */
public final class VerifiedTokens implements ReactiveJwtDecoder {

  private final ReactiveJwtDecoder decoder;
  private final int maxEntries;
  private final Duration maxAge;
  private final Duration clockSkew;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(Jwt jwt, Instant until) {}

  public VerifiedTokens(
      ReactiveJwtDecoder decoder,
      int maxEntries,
      Duration maxAge,
      Duration clockSkew,
      Clock clock) {
    this.decoder = decoder;
    this.maxEntries = maxEntries;
    this.maxAge = maxAge;
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Instant now = clock.instant();
    Verified known = verified.get(token);
    if (known != null) {
      if (now.isBefore(known.until())) {
        return Mono.just(known.jwt());
      }
      verified.remove(token, known);
    }
    return decoder.decode(token).doOnNext(jwt -> remember(token, jwt, now));
  }

  private void remember(String token, Jwt jwt, Instant verifiedAt) {
    if (maxEntries <= 0 || jwt.getExpiresAt() == null) {
      return;
    }
    Instant until = jwt.getExpiresAt().plus(clockSkew);
    Instant byAge = verifiedAt.plus(maxAge);
    if (byAge.isBefore(until)) {
      until = byAge;
    }
    if (verified.size() >= maxEntries) {
      evict(verifiedAt);
    }
    verified.put(token, new Verified(jwt, until));
  }

  private void evict(Instant now) {
    for (Iterator<Verified> entries = verified.values().iterator(); entries.hasNext(); ) {
      if (!now.isBefore(entries.next().until())) {
        entries.remove();
      }
    }
    if (verified.size() >= maxEntries) {
      verified.clear();
    }
  }

  /** Tokens remembered now. */
  int size() {
    return verified.size();
  }
}
