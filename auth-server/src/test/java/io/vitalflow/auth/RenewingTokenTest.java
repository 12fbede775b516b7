package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A renewing token is reused until a minute before it expires, then asked for again. */
class RenewingTokenTest {

  private final LocalAuthServer auth = LocalAuthServer.shared();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void reusesTheTokenUntilAMinuteBeforeItExpires() {
    AtomicInteger fetched = new AtomicInteger();
    RenewingToken token =
        new RenewingToken(
            () -> {
              fetched.incrementAndGet();
              return auth.sign(
                  Map.of("sub", "x", "exp", now.plus(Duration.ofMinutes(5)).getEpochSecond()));
            },
            clock());

    String first = token.get();
    now = now.plus(Duration.ofMinutes(3));
    assertThat(token.get()).isSameAs(first);
    assertThat(fetched).hasValue(1);

    now = now.plus(Duration.ofSeconds(61));
    token.get();
    assertThat(fetched).hasValue(2);
  }

  @Test
  void aRealTokenOfTheGatewayIsRenewable() {
    RenewingToken token = new RenewingToken(auth::gatewayToken);

    assertThat(LocalAuthServer.claims(token.get())).containsEntry("client_id", "vitalflow-gateway");
  }

  private Clock clock() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
  }
}
