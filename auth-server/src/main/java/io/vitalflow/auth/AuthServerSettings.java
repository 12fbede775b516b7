package io.vitalflow.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the local authorization server ({@code vitalflow.auth.*}, docs/security.md).
 *
 * @param dataDir the data directory; keys, secrets and passwords live in {@code <data-dir>/auth/}
 * @param issuer the issuer URL; empty: {@code http://<host the request named>:<port>}, which is
 *     what a single-host development setup wants
 * @param audience the {@code aud} of every access token (resource servers check it)
 * @param tokenLifetime the lifetime of access tokens
 * @param keyGracePeriod how long a signing key that was rotated out stays in the JWK set, so that
 *     tokens it signed keep verifying until they expire
 * @param wardRedirectUris where the ward dashboard may receive its authorization code
 * @param smartAppRedirectUris where the development SMART app may receive its authorization code
 */
@ConfigurationProperties("vitalflow.auth")
public record AuthServerSettings(
    @DefaultValue(".vitalflow") Path dataDir,
    @DefaultValue("") String issuer,
    @DefaultValue("vitalflow") String audience,
    @DefaultValue("5m") Duration tokenLifetime,
    @DefaultValue("15m") Duration keyGracePeriod,
    @DefaultValue({"http://127.0.0.1:8084/ward/callback", "http://localhost:8084/ward/callback"})
        List<String> wardRedirectUris,
    @DefaultValue({"http://127.0.0.1:8090/callback", "http://localhost:8090/callback"})
        List<String> smartAppRedirectUris) {

  public AuthServerSettings {
    if (audience.isBlank()) {
      throw new IllegalArgumentException("vitalflow.auth.audience must not be empty");
    }
    if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
      throw new IllegalArgumentException(
          "vitalflow.auth.token-lifetime must be positive, was " + tokenLifetime);
    }
    if (keyGracePeriod.isNegative()) {
      throw new IllegalArgumentException(
          "vitalflow.auth.key-grace-period must not be negative, was " + keyGracePeriod);
    }
    if (!issuer.isEmpty() && !issuer.matches("https?://[^/?#]+(/[^?#]*)?")) {
      throw new IllegalArgumentException(
          "vitalflow.auth.issuer must be an http(s) URL without query, was " + issuer);
    }
    wardRedirectUris = List.copyOf(wardRedirectUris);
    smartAppRedirectUris = List.copyOf(smartAppRedirectUris);
  }

  /** {@code <data-dir>/auth/}: keys, secrets, passwords and the running server's URL. */
  public Path authDir() {
    return dataDir.resolve("auth");
  }
}
