package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** Keys are per data directory, survive restarts, and rotate with a grace period. */
class SigningKeysTest {

  @TempDir Path dataDir;

  @Test
  void keysSecretsAndPasswordsPersistAcrossARestartWithTheSameDataDirectory() throws Exception {
    String token;
    String kid;
    String secret;
    String password;
    try (LocalAuthServer first = LocalAuthServer.start(dataDir)) {
      token = first.token("system/*.rs");
      kid = kid(token);
      secret = first.cliSecret();
      password = first.password("nurse-a");
    }
    Path keys = dataDir.resolve("auth").resolve(AuthFiles.SIGNING_KEYS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
        .isEqualTo("rw-------");
    assertThat(JWKSet.parse(Files.readString(keys)).getKeys().get(0).isPrivate()).isTrue();

    try (LocalAuthServer second = LocalAuthServer.start(dataDir)) {
      // the token of the first run verifies against the second run's JWK set (another port)
      NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(second.jwksUri()).build();
      assertThat(decoder.decode(token).getSubject()).isEqualTo("vitalflow-cli");
      assertThat(kid(second.token("system/*.rs"))).isEqualTo(kid);
      assertThat(second.cliSecret()).isEqualTo(secret);
      assertThat(second.password("nurse-a")).isEqualTo(password);
    }
  }

  @Test
  void anotherDataDirectoryHasOtherKeys(@TempDir Path other) {
    try (LocalAuthServer one = LocalAuthServer.start(dataDir);
        LocalAuthServer two = LocalAuthServer.start(other)) {
      String token = one.token();
      assertThat(kid(two.token())).isNotEqualTo(kid(token));
      NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(two.jwksUri()).build();
      assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class);
      assertThat(two.cliSecret()).isNotEqualTo(one.cliSecret());
    }
  }

  @Test
  void aRotatedKeyStaysPublishedForItsGracePeriodThenCanBeDropped() throws Exception {
    try (LocalAuthServer auth = LocalAuthServer.start(dataDir)) {
      String before = auth.token("system/*.rs");

      auth.rotateKeys();
      String after = auth.token("system/*.rs");

      assertThat(kid(after)).isNotEqualTo(kid(before));
      assertThat(publishedKids(auth)).containsExactly(kid(after), kid(before));
      NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(auth.jwksUri()).build();
      assertThat(decoder.decode(before).getSubject()).isEqualTo("vitalflow-cli");
      assertThat(decoder.decode(after).getSubject()).isEqualTo("vitalflow-cli");

      auth.rotateKeys(false);
      String latest = auth.token("system/*.rs");

      assertThat(publishedKids(auth)).containsExactly(kid(latest));
      NimbusJwtDecoder fresh = NimbusJwtDecoder.withJwkSetUri(auth.jwksUri()).build();
      assertThatThrownBy(() -> fresh.decode(before)).isInstanceOf(JwtException.class);
      assertThatThrownBy(() -> fresh.decode(after)).isInstanceOf(JwtException.class);
      assertThat(fresh.decode(latest).getSubject()).isEqualTo("vitalflow-cli");
    }
  }

  private static String kid(String token) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> publishedKids(LocalAuthServer auth) throws Exception {
    JWKSet set = JWKSet.load(URI.create(auth.jwksUri()).toURL());
    assertThat(set.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    return set.getKeys().stream().map(key -> key.getKeyID()).toList();
  }
}
