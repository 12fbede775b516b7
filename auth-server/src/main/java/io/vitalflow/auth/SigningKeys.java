package io.vitalflow.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The RSA keys the server signs tokens with, kept in {@code <data-dir>/auth/signing-keys.jwks.json}
 * (mode 600) so that tokens stay valid across restarts and a fresh data directory gets fresh keys.
 *
 * <p>The first key signs; keys rotated out stay published (in the JWK set, with {@code exp} set to
 * the end of their grace period) so tokens they signed keep verifying until they expire, and are
 * dropped after it.
 */
public final class SigningKeys {

  private final Path dir;
  private final Clock clock;
  private volatile List<RSAKey> keys;

  private SigningKeys(Path dir, Clock clock, List<RSAKey> keys) {
    this.dir = dir;
    this.clock = clock;
    this.keys = keys;
  }

  /** The keys of {@code authDir}, generated (one key) when there are none. */
  public static SigningKeys load(Path authDir, Clock clock) {
    String text =
        AuthFiles.readOrCreate(
            authDir, AuthFiles.SIGNING_KEYS, () -> json(List.of(generate(clock.instant()))));
    List<RSAKey> keys = new ArrayList<>();
    try {
      for (JWK jwk : JWKSet.parse(text).getKeys()) {
        keys.add(jwk.toRSAKey());
      }
    } catch (ParseException e) {
      throw new IllegalStateException(
          "The signing keys in "
              + authDir.resolve(AuthFiles.SIGNING_KEYS)
              + " cannot be read ("
              + e.getMessage()
              + "); remove the file to generate new keys",
          e);
    }
    if (keys.isEmpty() || !keys.get(0).isPrivate()) {
      throw new IllegalStateException(
          "No private signing key in "
              + authDir.resolve(AuthFiles.SIGNING_KEYS)
              + "; remove the file to generate new keys");
    }
    return new SigningKeys(authDir, clock, List.copyOf(keys));
  }

  /** The key that signs new tokens. */
  public RSAKey active() {
    return keys.get(0);
  }

  /**
   * The active key and the rotated-out keys still in their grace period (private parts included).
   */
  public JWKSet published() {
    Instant now = clock.instant();
    List<JWK> live = new ArrayList<>();
    for (RSAKey key : keys) {
      if (key.getExpirationTime() == null || key.getExpirationTime().toInstant().isAfter(now)) {
        live.add(key);
      }
    }
    return new JWKSet(live);
  }

  /**
   * Generates a new active key; the previous keys stay published for {@code keepOldFor} (zero:
   * removed at once, so tokens they signed stop verifying as soon as a resource server refreshes
   * its copy of the JWK set).
   */
  public synchronized RSAKey rotate(Duration keepOldFor) {
    Instant now = clock.instant();
    List<RSAKey> next = new ArrayList<>();
    RSAKey fresh = generate(now);
    next.add(fresh);
    Date retiredBy = Date.from(now.plus(keepOldFor));
    for (RSAKey key : keys) {
      Date expires = key.getExpirationTime();
      if (keepOldFor.isZero() || (expires != null && !expires.toInstant().isAfter(now))) {
        continue;
      }
      Date end = expires != null && expires.before(retiredBy) ? expires : retiredBy;
      next.add(new RSAKey.Builder(key).expirationTime(end).build());
    }
    AuthFiles.write(dir, AuthFiles.SIGNING_KEYS, json(next));
    keys = List.copyOf(next);
    return fresh;
  }

  private static RSAKey generate(Instant now) {
    try {
      return new RSAKeyGenerator(2048)
          .keyID(UUID.randomUUID().toString())
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .issueTime(Date.from(now))
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate an RSA signing key", e);
    }
  }

  private static String json(List<RSAKey> keys) {
    return new JWKSet(new ArrayList<JWK>(keys)).toString(false);
  }
}
