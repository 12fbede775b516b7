package io.vitalflow.local;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal token issuer for the services' tests: RSA keys, a JWKS and an OpenID discovery document
 * served over real HTTP, and tokens signed with any claims (also broken ones the real authorization
 * server would never issue: expired, unsigned, signed with an unknown key). A service under test
 * verifies them exactly as it verifies the real issuer's: point {@code
 * spring.security.oauth2.resourceserver.jwt.issuer-uri} at {@link #issuer()} (see {@link
 * #serviceArgs()}). The local authorization server (module {@code auth-server}) is the real one;
 * this one lets a module's tests run without it.
 */
public final class TestIssuer implements AutoCloseable {

  private static TestIssuer shared;

  private final HttpServer server;
  private final List<RSAKey> published = new ArrayList<>();
  private RSAKey active;

  /** How often the JWKS was fetched (a rotated key makes a service fetch it again). */
  public final AtomicInteger jwksFetches = new AtomicInteger();

  /** One issuer per test JVM, started on first use and never stopped. */
  public static synchronized TestIssuer shared() {
    if (shared == null) {
      try {
        shared = new TestIssuer();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test token issuer", e);
      }
    }
    return shared;
  }

  public TestIssuer() throws Exception {
    active = newKey();
    published.add(active);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          jwksFetches.incrementAndGet();
          byte[] body;
          synchronized (this) {
            body =
                new JWKSet(
                        published.stream()
                            .map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                            .toList())
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/.well-known/openid-configuration",
        exchange -> {
          String json =
              "{\"issuer\":\""
                  + issuer()
                  + "\",\"jwks_uri\":\""
                  + issuer()
                  + "/jwks\",\"subject_types_supported\":[\"public\"]}";
          byte[] body = json.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** The arguments that make a service under test take this issuer's tokens. */
  public String[] serviceArgs() {
    return new String[] {
      "--vitalflow.security.enabled=true",
      "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer()
    };
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static RSAKey newKey() throws Exception {
    return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
  }

  /** A new signing key, published beside the old one (old tokens keep verifying). */
  public synchronized void rotate() throws Exception {
    active = newKey();
    published.add(active);
  }

  /** A token with the usual claims (5 minutes, audience vitalflow), changed by {@code edit}. */
  public String token(Consumer<JWTClaimsSet.Builder> edit) throws Exception {
    return sign(active, claims(edit));
  }

  /** A client-credentials-like token with {@code scope} (space separated). */
  public String token(String scope) throws Exception {
    return token(c -> c.claim("scope", scope));
  }

  /** A patient-context token for {@code patient} with {@code scope}. */
  public String patientToken(String patient, String scope) throws Exception {
    return token(c -> c.claim("scope", scope).claim("patient", patient));
  }

  /** A user token: subject {@code user}, its {@code wards}, and {@code scope}. */
  public String userToken(String user, List<String> wards, String scope) throws Exception {
    return token(c -> c.subject(user).claim("scope", scope).claim("wards", wards));
  }

  public JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> edit) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject("test-client")
            .audience("vitalflow")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .jwtID(UUID.randomUUID().toString())
            .claim("client_id", "test-client");
    edit.accept(claims);
    return claims.build();
  }

  public static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  /** Signed by a key this issuer never published, under the active key's id. */
  public String forged(String scope) throws Exception {
    RSAKey other = new RSAKeyGenerator(2048).keyID(active.getKeyID()).generate();
    return sign(other, claims(c -> c.claim("scope", scope)));
  }

  /** {@code alg: none}. */
  public String unsigned(String scope) {
    return new PlainJWT(claims(c -> c.claim("scope", scope))).serialize();
  }

  /** HS256 with a shared secret (an algorithm confusion attempt). */
  public String hmac(String scope) throws Exception {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(c -> c.claim("scope", scope)));
    jwt.sign(new MACSigner(new byte[32]));
    return jwt.serialize();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
