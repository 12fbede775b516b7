package io.vitalflow.auth;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Supplier;

/**
 * An access token that is asked for again shortly before it expires: for long-running clients of
 * the platform's own services (the device simulator, the load generator). The token's {@code exp}
 * says when; one minute before it (or at half its life, for short-lived tokens) a new one is asked
 * for.
 */
public final class RenewingToken implements Supplier<String> {

  /** Asks the token endpoint for a new token. */
  @FunctionalInterface
  public interface Source {
    String fetch() throws IOException;
  }

  private static final Duration MARGIN = Duration.ofMinutes(1);

  private final Source source;
  private final Clock clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  public RenewingToken(Source source) {
    this(source, Clock.systemUTC());
  }

  RenewingToken(Source source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /**
   * The current token, asked for anew when due.
   *
   * @throws TokenException the server refused
   * @throws UncheckedIOException the server could not be reached
   */
  @Override
  public synchronized String get() {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(renewAt)) {
      try {
        token = source.fetch();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Instant expires = expiry(token).orElse(now.plus(MARGIN));
      Duration life = Duration.between(now, expires);
      renewAt =
          life.compareTo(MARGIN.multipliedBy(2)) > 0
              ? expires.minus(MARGIN)
              : now.plus(life.dividedBy(2));
    }
    return token;
  }

  private static java.util.Optional<Instant> expiry(String token) {
    try {
      Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      return java.util.Optional.ofNullable(exp).map(Date::toInstant);
    } catch (ParseException e) {
      return java.util.Optional.empty();
    }
  }
}
