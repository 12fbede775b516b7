package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

class VerifiedTokensTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(5);

  private final MovableClock clock = new MovableClock();
  private final Map<String, Jwt> valid = new HashMap<>();
  private final AtomicInteger verifications = new AtomicInteger();

  /** Verifies against {@link #valid} as of the clock, counting the verifications. */
  private final ReactiveJwtDecoder issuer =
      token -> {
        verifications.incrementAndGet();
        Jwt jwt = valid.get(token);
        if (jwt == null || !clock.instant().isBefore(jwt.getExpiresAt().plus(SKEW))) {
          return Mono.error(new BadJwtException("refused"));
        }
        return Mono.just(jwt);
      };

  @Test
  void aTokenThatVerifiedIsNotVerifiedAgainUntilItExpires() {
    VerifiedTokens tokens = tokens(100, Duration.ofHours(1));
    valid.put("a", jwt("a", T0.plusSeconds(60)));

    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    clock.now = T0.plusSeconds(64);
    assertThat(tokens.decode("a").block().getSubject()).isEqualTo("a");
    assertThat(verifications).hasValue(1);

    clock.now = T0.plusSeconds(65);
    assertThatThrownBy(() -> tokens.decode("a").block()).isInstanceOf(BadJwtException.class);
    assertThat(verifications).hasValue(2);
  }

  @Test
  void aRememberedTokenIsVerifiedAgainAfterMaxAgeSoAWithdrawnKeyStopsWorking() {
    VerifiedTokens tokens = tokens(100, Duration.ofMinutes(5));
    valid.put("a", jwt("a", T0.plus(Duration.ofHours(1))));
    tokens.decode("a").block();

    valid.remove("a"); // the issuer withdrew the key that signed it
    clock.now = T0.plus(Duration.ofMinutes(5)).minusMillis(1);
    assertThat(tokens.decode("a").block()).isNotNull();
    clock.now = T0.plus(Duration.ofMinutes(5));
    assertThatThrownBy(() -> tokens.decode("a").block()).isInstanceOf(BadJwtException.class);
  }

  @Test
  void refusedTokensAreNeverRememberedAndEveryAttemptIsChecked() {
    VerifiedTokens tokens = tokens(100, Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> tokens.decode("forged").block()).isInstanceOf(BadJwtException.class);
    }
    assertThat(verifications).hasValue(3);
    assertThat(tokens.size()).isZero();
  }

  @Test
  void theCacheStaysWithinItsSize() {
    VerifiedTokens tokens = tokens(10, Duration.ofHours(1));
    for (int i = 0; i < 100; i++) {
      valid.put("t" + i, jwt("t" + i, T0.plusSeconds(600)));
      tokens.decode("t" + i).block();
      assertThat(tokens.size()).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void sizeZeroVerifiesEveryRequest() {
    VerifiedTokens tokens = tokens(0, Duration.ofHours(1));
    valid.put("a", jwt("a", T0.plusSeconds(60)));
    tokens.decode("a").block();
    tokens.decode("a").block();
    assertThat(verifications).hasValue(2);
  }

  private VerifiedTokens tokens(int size, Duration maxAge) {
    return new VerifiedTokens(issuer, size, maxAge, SKEW, clock);
  }

  private static Jwt jwt(String subject, Instant expires) {
    return Jwt.withTokenValue(subject)
        .header("alg", "RS256")
        .subject(subject)
        .issuedAt(T0)
        .expiresAt(expires)
        .build();
  }

  private static final class MovableClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
