package io.vitalflow.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The local authorization server in this JVM, for tests: real tokens from the real token endpoint.
 * Other modules' tests use it as a test-scoped dependency:
 *
 * <pre>{@code
 * LocalAuthServer auth = LocalAuthServer.shared();
 * String issuer = auth.issuer();                        // for ...resourceserver.jwt.issuer-uri
 * String token = auth.token("system/*.rs");             // client credentials (vitalflow-cli)
 * String patient = auth.patientToken("sim-1", "patient/Observation.rs");
 * String nurse = auth.userToken("nurse-a", "user/Observation.rs");  // wards ["ward-a"]
 * }</pre>
 *
 * <p>{@link #shared()} starts one server per JVM on a free port with a temporary data directory,
 * stopped and removed when the JVM exits; {@link #start(Path, String...)} starts a separate one
 * (e.g. to restart on the same data directory).
 */
public final class LocalAuthServer implements AutoCloseable {

  private static LocalAuthServer shared;

  private final ConfigurableApplicationContext context;
  private final Path dataDir;
  private final String issuer;
  private final TokenClient tokens;

  private LocalAuthServer(ConfigurableApplicationContext context, Path dataDir) {
    this.context = context;
    this.dataDir = dataDir;
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    String configured = settings().issuer();
    this.issuer = configured.isEmpty() ? "http://127.0.0.1:" + port : configured;
    this.tokens = new TokenClient(URI.create(tokenEndpoint()));
  }

  /** The server of this JVM, started on first use (a few seconds). */
  public static synchronized LocalAuthServer shared() {
    if (shared == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("vitalflow-auth-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalAuthServer server = start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    deleteTree(dir);
                  },
                  "local-auth-server-stop"));
      shared = server;
    }
    return shared;
  }

  /**
   * A new server on a free port of 127.0.0.1, keeping its keys and secrets in {@code
   * dataDir/auth/}; {@code properties} ({@code name=value}) override the settings, e.g. {@code
   * vitalflow.auth.token-lifetime=2s}. Close it when done.
   */
  public static LocalAuthServer start(Path dataDir, String... properties) {
    List<String> all = new ArrayList<>();
    all.add("server.port=0");
    all.add("server.address=127.0.0.1");
    all.add("vitalflow.auth.data-dir=" + dataDir.toAbsolutePath());
    all.add("spring.main.banner-mode=off");
    all.add("spring.main.log-startup-info=false");
    all.addAll(List.of(properties));
    // as command-line arguments: they override auth-server.yml (builder properties would not)
    ConfigurableApplicationContext context =
        AuthServerApplication.builder().run(all.stream().map(p -> "--" + p).toArray(String[]::new));
    return new LocalAuthServer(context, dataDir);
  }

  /** The issuer, {@code http://127.0.0.1:<port>}: the {@code iss} of its tokens. */
  public String issuer() {
    return issuer;
  }

  /**
   * The arguments that make a service under test take this server's tokens (as {@code
   * TestIssuer.serviceArgs()} in local-stack): security on, this issuer.
   */
  public String[] serviceArgs() {
    return new String[] {
      "--vitalflow.security.enabled=true",
      "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer
    };
  }

  /** The JWK set URL, {@code <issuer>/oauth2/jwks}. */
  public String jwksUri() {
    return issuer + "/oauth2/jwks";
  }

  /** The token endpoint, {@code <issuer>/oauth2/token}. */
  public String tokenEndpoint() {
    return issuer + "/oauth2/token";
  }

  /** The data directory; the server's files are in {@code dataDir()/auth/} ({@link AuthFiles}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * A client-credentials token of {@code vitalflow-cli} ({@code sub = client_id = vitalflow-cli})
   * for {@code scopes}; no scopes: a token without {@code scope}.
   *
   * @throws TokenException the server refused (e.g. {@code invalid_scope})
   */
  public String token(String... scopes) {
    return cli(Map.of(), scopes);
  }

  /** As {@link #token}, with the patient context {@code patientId} (claim {@code patient}). */
  public String patientToken(String patientId, String... scopes) {
    return cli(Map.of(TokenClaims.PATIENT_PARAMETER, patientId), scopes);
  }

  /**
   * As {@link #token}, for the development user {@code user} ({@code sub} = the user, claim {@code
   * wards}): {@code nurse-a} (ward-a), {@code nurse-b} (ward-b), {@code admin} (wards {@code *},
   * may ask for {@code vitalflow/wards.admin}), {@code patient-a} (patient sim-1).
   */
  public String userToken(String user, String... scopes) {
    return cli(Map.of(TokenClaims.USER_PARAMETER, user), scopes);
  }

  /**
   * A token of the device gateway client ({@code vitalflow-gateway}, {@code system/Observation.c}).
   */
  public String gatewayToken() {
    String secret = file(AuthFiles.GATEWAY_SECRET);
    try {
      return tokens.clientCredentials(
          DevelopmentClients.GATEWAY, secret, List.of(DevelopmentClients.DEVICE_SCOPE), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A token of {@code vitalflow-backend} obtained with SMART Backend Services (a signed assertion).
   */
  public String backendToken(String... scopes) {
    try {
      return tokens.backendServices(
          DevelopmentClients.BACKEND, DevelopmentClients.backendKey(authDir()), List.of(scopes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The secret of {@code vitalflow-cli}. */
  public String cliSecret() {
    return file(AuthFiles.CLI_SECRET);
  }

  /** The password of a development user (for the login form). */
  public String password(String user) {
    return context.getBean(DevelopmentUsers.class).password(user);
  }

  /**
   * A new signing key becomes active; the previous ones stay in the JWK set for {@code
   * vitalflow.auth.key-grace-period} (15 minutes), so tokens they signed keep verifying.
   */
  public void rotateKeys() {
    rotateKeys(true);
  }

  /**
   * A new signing key becomes active; {@code keepOldKeys} false removes the previous ones from the
   * JWK set at once (tokens they signed stop verifying once a resource server refreshes its JWK
   * set).
   */
  public void rotateKeys(boolean keepOldKeys) {
    context
        .getBean(SigningKeys.class)
        .rotate(keepOldKeys ? settings().keyGracePeriod() : Duration.ZERO);
  }

  /**
   * {@code claims} signed with the active signing key (RS256, its {@code kid}), as the server
   * signs: for tests that need tokens the server would not issue (expired, not yet valid, other
   * audience). Nothing is added: give {@code iss}, {@code aud}, {@code exp} (epoch seconds)
   * yourself.
   */
  public String sign(Map<String, Object> claims) {
    RSAKey key = context.getBean(SigningKeys.class).active();
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              JWTClaimsSet.parse(claims));
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (ParseException | JOSEException e) {
      throw new IllegalArgumentException("cannot sign these claims: " + e.getMessage(), e);
    }
  }

  /** The claims of {@code token} (not verified: to inspect tokens in tests). */
  public static Map<String, Object> claims(String token) {
    try {
      return SignedJWT.parse(token).getJWTClaimsSet().toJSONObject();
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JWT", e);
    }
  }

  /** Stops the server (the shared one stops when the JVM exits; closing it is ignored). */
  @Override
  public void close() {
    if (this != shared || Thread.currentThread().getName().equals("local-auth-server-stop")) {
      context.close();
    }
  }

  private String cli(Map<String, String> parameters, String... scopes) {
    try {
      return tokens.clientCredentials(
          DevelopmentClients.CLI, cliSecret(), List.of(scopes), parameters);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AuthServerSettings settings() {
    return context.getBean(AuthServerSettings.class);
  }

  private Path authDir() {
    return settings().authDir();
  }

  private String file(String name) {
    return AuthFiles.read(authDir(), name)
        .orElseThrow(() -> new IllegalStateException("no " + name + " in " + authDir()));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
