package io.vitalflow.loadgen.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vitalflow.auth.RenewingToken;
import io.vitalflow.auth.TokenException;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A renewal that fails mid-run keeps the last token (the services then answer 401, counted as
 * failed requests) and is not retried on every request; the first token's failure is the run's.
 */
class BearerTest {

  @Test
  void aFailedRenewalKeepsTheLastTokenAndBacksOff() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).generate();
    AtomicInteger asked = new AtomicInteger();
    String first = jwt(key, 2);
    RenewingToken token =
        new RenewingToken(
            () -> {
              if (asked.incrementAndGet() == 1) {
                return first;
              }
              throw new TokenException(503, "temporarily_unavailable", null);
            });
    Bearer bearer = Bearer.renewing(token);

    assertThat(bearer.header()).isEqualTo("Bearer " + first);
    Thread.sleep(1_100); // past half the 2 s life: due for renewal
    assertThat(bearer.header()).isEqualTo("Bearer " + first);
    assertThat(bearer.header()).isEqualTo("Bearer " + first);
    assertThat(asked).as("one renewal tried, then a pause of %s", Bearer.RETRY).hasValue(2);
  }

  @Test
  void theFirstTokensFailureIsTheRuns() {
    Bearer bearer =
        Bearer.renewing(
            new RenewingToken(
                () -> {
                  throw new TokenException(400, "invalid_scope", null);
                }));

    assertThatThrownBy(bearer::header).isInstanceOf(TokenException.class);
  }

  private static String jwt(RSAKey key, int seconds) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.RS256),
            new JWTClaimsSet.Builder()
                .subject("loadgen")
                .expirationTime(Date.from(Instant.now().plusSeconds(seconds)))
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
