package io.vitalflow.loadgen.auth;

import io.vitalflow.auth.AuthFiles;
import io.vitalflow.auth.DevelopmentClients;
import io.vitalflow.loadgen.engine.FlagValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --token-url}, {@code --client-id}, {@code --client-secret}, {@code --client-key}, {@code
 * --scope}, {@code --data-dir} and {@code --no-auth}, the same in every scenario, as a picocli
 * mixin: how the scenario obtains the tokens every request carries. Checked into {@link Auth}
 * without any request (the suite checks every scenario first); {@link Auth#open} asks for the first
 * token.
 */
public final class AuthFlags {

  /**
   * The secret of {@code --client-id} when {@code --client-secret} is not given (ps shows flags).
   */
  public static final String SECRET_ENV = "LOADGEN_CLIENT_SECRET";

  /** A fixed {@code Authorization} header for every request (a token obtained elsewhere). */
  public static final String AUTHORIZATION_ENV = "LOADGEN_AUTHORIZATION";

  @Option(
      names = "--token-url",
      description =
          "The OAuth 2.0 token endpoint (default: <issuer>/oauth2/token of the platform running on"
              + " --data-dir, from its auth/url; none when no platform runs there).")
  String tokenUrl;

  @Option(
      names = "--client-id",
      description =
          "The OAuth client (default: vitalflow-backend with the key of --data-dir; required with"
              + " --client-secret).")
  String clientId;

  @Option(
      names = "--client-secret",
      description =
          "Its secret (client_secret_basic); default: $"
              + SECRET_ENV
              + ". Prefer the variable: other users see flags in ps.")
  String clientSecret;

  @Option(
      names = "--client-key",
      description =
          "Its private RSA key as a JWK file: SMART Backend Services (private_key_jwt, RS384)."
              + " Default: <data-dir>/auth/vitalflow-backend.private.jwk.json when it exists.")
  String clientKey;

  @Option(
      names = "--scope",
      description =
          "The scopes asked for; repeat or separate with spaces (default: the scenario's,"
              + " docs/loadgen.md \"Security\").")
  List<String> scopes;

  @Option(
      names = "--data-dir",
      description =
          "Data directory of the local platform (./vitalflow start) whose authorization server and"
              + " backend key are used (default: $VITALFLOW_DATA_DIR, else .vitalflow).")
  String dataDir;

  @Option(
      names = "--no-auth",
      arity = "0..1",
      fallbackValue = "true",
      description = "Send no token (a deployment with security off, or to measure without it).")
  boolean noAuth;

  /**
   * The checked settings for a scenario whose default scopes are {@code defaultScopes}: each bad or
   * conflicting flag one {@link IllegalArgumentException} naming it.
   */
  public Auth auth(String... defaultScopes) {
    List<String> scope = scopes(defaultScopes);
    String secret = clientSecret != null ? clientSecret : System.getenv(SECRET_ENV);
    if (noAuth) {
      if (tokenUrl != null || clientId != null || clientSecret != null || clientKey != null) {
        throw new IllegalArgumentException(
            "--no-auth sends no token: leave out --token-url, --client-id, --client-secret and"
                + " --client-key");
      }
      return Auth.none("--no-auth");
    }
    if (clientSecret != null && clientKey != null) {
      throw new IllegalArgumentException(
          "--client-secret and --client-key are two ways to authenticate the client: give one");
    }
    if (clientSecret != null && clientId == null) {
      throw new IllegalArgumentException("--client-secret needs --client-id");
    }
    Path dir = dataDir();
    Optional<String> url =
        tokenUrl != null
            ? Optional.of(FlagValues.httpUrl("--token-url", tokenUrl).toString())
            : AuthFiles.read(dir.resolve("auth"), AuthFiles.URL)
                .map(issuer -> issuer + "/oauth2/token");
    String fixed = System.getenv(AUTHORIZATION_ENV);
    if (fixed != null
        && !fixed.isBlank()
        && tokenUrl == null
        && clientSecret == null
        && clientKey == null) {
      return Auth.fixed(fixed.strip(), "$" + AUTHORIZATION_ENV);
    }
    if (url.isEmpty()) {
      if (clientId != null || clientSecret != null || clientKey != null) {
        throw new IllegalArgumentException(
            "--client-id/--client-secret/--client-key need --token-url (no platform runs on "
                + dir
                + ")");
      }
      return Auth.none("no --token-url, and no platform running on " + dir);
    }
    if (secret != null && clientId != null && clientKey == null) {
      return Auth.secret(url.get(), clientId, secret, scope);
    }
    Path key =
        clientKey != null
            ? FlagValues.directory("--client-key", clientKey)
            : dir.resolve("auth").resolve(AuthFiles.BACKEND_KEY);
    if (!Files.isReadable(key)) {
      throw new IllegalArgumentException(
          clientKey != null
              ? "--client-key " + key + " cannot be read"
              : "no client credentials for "
                  + url.get()
                  + ": give --client-id with --client-secret (or $"
                  + SECRET_ENV
                  + "), or --client-key, or --no-auth");
    }
    return Auth.key(
        url.get(), clientId != null ? clientId : DevelopmentClients.BACKEND, key, scope);
  }

  /** The names of these flags, without {@code --}. */
  public static final Set<String> NAMES =
      Set.of(
          "token-url", "client-id", "client-secret", "client-key", "scope", "data-dir", "no-auth");

  /**
   * The flags as given, by name without {@code --} (scopes joined by spaces), for the suite to give
   * every scenario.
   */
  public Map<String, String> asMap() {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : asArgs()) {
      int equals = arg.indexOf('=');
      String name = arg.substring(2, equals < 0 ? arg.length() : equals);
      String value = equals < 0 ? "true" : arg.substring(equals + 1);
      flags.merge(name, value, (a, b) -> a + " " + b);
    }
    return flags;
  }

  /** The flags as given, for a scenario that passes them on to another (stress to fhir). */
  public List<String> asArgs() {
    List<String> args = new ArrayList<>();
    add(args, "--token-url", tokenUrl);
    add(args, "--client-id", clientId);
    add(args, "--client-secret", clientSecret);
    add(args, "--client-key", clientKey);
    add(args, "--data-dir", dataDir);
    if (scopes != null) {
      for (String scope : scopes) {
        args.add("--scope=" + scope);
      }
    }
    if (noAuth) {
      args.add("--no-auth");
    }
    return args;
  }

  private Path dataDir() {
    if (dataDir != null) {
      return FlagValues.directory("--data-dir", dataDir);
    }
    String env = System.getenv("VITALFLOW_DATA_DIR");
    return Path.of(env == null || env.isBlank() ? ".vitalflow" : env);
  }

  private List<String> scopes(String... defaults) {
    List<String> all = new ArrayList<>();
    for (String given : scopes != null ? scopes : List.of(defaults)) {
      for (String scope : given.strip().split("\\s+")) {
        if (!scope.isEmpty()) {
          all.add(scope);
        }
      }
    }
    if (scopes != null && all.isEmpty()) {
      throw new IllegalArgumentException("--scope must name at least one scope");
    }
    return List.copyOf(all);
  }

  private static void add(List<String> args, String flag, String value) {
    if (value != null) {
      args.add(flag + "=" + value);
    }
  }
}
