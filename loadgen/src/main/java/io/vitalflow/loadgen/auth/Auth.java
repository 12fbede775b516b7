package io.vitalflow.loadgen.auth;

import com.nimbusds.jose.jwk.RSAKey;
import io.vitalflow.auth.RenewingToken;
import io.vitalflow.auth.TokenClient;
import io.vitalflow.auth.TokenException;
import io.vitalflow.loadgen.engine.ScenarioException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * How a scenario authenticates, checked from {@link AuthFlags}: no token, a fixed header, or client
 * credentials (a secret, or a signed assertion as SMART Backend Services asks) at a token endpoint.
 * {@link #open} gives the {@link Bearer} the scenario's clients send.
 */
public record Auth(
    Auth.Kind kind,
    String why,
    String tokenUrl,
    String clientId,
    String secret,
    Path key,
    List<String> scopes) {

  /** How requests authenticate. */
  public enum Kind {
    /** No token. */
    NONE,
    /** A fixed header ({@code $LOADGEN_AUTHORIZATION}). */
    FIXED,
    /** Client credentials with a client secret. */
    SECRET,
    /** Client credentials with a signed assertion (SMART Backend Services). */
    KEY
  }

  public Auth {
    scopes = List.copyOf(scopes);
  }

  /** No token: {@code why} says so in the run's output. */
  public static Auth none(String why) {
    return new Auth(Kind.NONE, why, null, null, null, null, List.of());
  }

  /** The same {@code Authorization} header on every request. */
  static Auth fixed(String header, String why) {
    return new Auth(Kind.FIXED, why, null, null, header, null, List.of());
  }

  /** Client credentials with a secret ({@code client_secret_basic}). */
  public static Auth secret(String tokenUrl, String clientId, String secret, List<String> scopes) {
    return new Auth(Kind.SECRET, null, tokenUrl, clientId, secret, null, scopes);
  }

  /** Client credentials with an assertion signed by the private JWK in {@code key}. */
  public static Auth key(String tokenUrl, String clientId, Path key, List<String> scopes) {
    return new Auth(Kind.KEY, null, tokenUrl, clientId, null, key, scopes);
  }

  /** Whether requests carry a token. */
  public boolean enabled() {
    return kind != Kind.NONE;
  }

  /** {@link #describe()}: never the secret. */
  @Override
  public String toString() {
    return describe();
  }

  /** One line for the run's output and report: how requests authenticate, no secret. */
  public String describe() {
    return switch (kind) {
      case NONE -> "no token (" + why + ")";
      case FIXED -> "the Authorization header of " + why;
      case SECRET ->
          "tokens of "
              + clientId
              + " (client secret) from "
              + tokenUrl
              + ", scope "
              + String.join(" ", scopes);
      case KEY ->
          "tokens of "
              + clientId
              + " (private_key_jwt, SMART Backend Services) from "
              + tokenUrl
              + ", scope "
              + String.join(" ", scopes);
    };
  }

  /**
   * Says on {@code out} how requests authenticate and asks for the first token, so that a refused
   * client or an unreachable server stops the run before it starts; the token is asked for again a
   * minute before it expires.
   *
   * @throws ScenarioException the token endpoint refused or did not answer
   */
  public Bearer open(PrintStream out) throws ScenarioException {
    out.println("auth: " + describe());
    return switch (kind) {
      case NONE -> Bearer.NONE;
      case FIXED -> Bearer.fixed(secret);
      case SECRET, KEY -> {
        TokenClient client = new TokenClient(URI.create(tokenUrl));
        RenewingToken token;
        if (kind == Kind.SECRET) {
          token =
              new RenewingToken(() -> client.clientCredentials(clientId, secret, scopes, Map.of()));
        } else {
          RSAKey rsa = readKey(key);
          token = new RenewingToken(() -> client.backendServices(clientId, rsa, scopes));
        }
        try {
          token.get();
        } catch (TokenException e) {
          throw new ScenarioException(tokenUrl + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
          throw new ScenarioException(
              "cannot reach the token endpoint " + tokenUrl + ": " + e.getCause());
        }
        yield Bearer.renewing(token);
      }
    };
  }

  private static RSAKey readKey(Path file) throws ScenarioException {
    try {
      RSAKey key = RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (!key.isPrivate()) {
        throw new ScenarioException("--client-key " + file + " holds no private key");
      }
      return key;
    } catch (IOException | ParseException e) {
      throw new ScenarioException("--client-key " + file + " is not an RSA JWK: " + e.getMessage());
    }
  }
}
