package io.vitalflow.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Asks an OAuth2 token endpoint for an access token with client credentials, authenticated by a
 * client secret or (SMART Backend Services) by a signed client assertion. Used by {@code
 * ./vitalflow token}, {@link LocalAuthServer} and the load generator.
 */
public final class TokenClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  private final URI tokenEndpoint;

  /** A client of the token endpoint {@code tokenEndpoint} (e.g. {@code <issuer>/oauth2/token}). */
  public TokenClient(URI tokenEndpoint) {
    this.tokenEndpoint = tokenEndpoint;
  }

  /**
   * An access token for {@code clientId} authenticated with its secret ({@code
   * client_secret_basic}) for {@code scopes} (none: the request names no scope) and any further
   * form parameters.
   *
   * @throws TokenException the server refused (its OAuth2 error)
   * @throws IOException the server could not be reached
   */
  public String clientCredentials(
      String clientId, String secret, List<String> scopes, Map<String, String> parameters)
      throws IOException {
    String basic =
        Base64.getEncoder()
            .encodeToString((form(clientId) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
    return request("Basic " + basic, form(scopes, parameters));
  }

  /**
   * An access token for {@code clientId} authenticated with a client assertion ({@code
   * private_key_jwt}) signed by {@code key} (RS384), as SMART Backend Services asks.
   */
  public String backendServices(String clientId, RSAKey key, List<String> scopes)
      throws IOException {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put(
        "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    parameters.put("client_assertion", assertion(clientId, key, tokenEndpoint));
    return request(null, form(scopes, parameters));
  }

  /**
   * A client assertion: {@code iss = sub = clientId}, {@code aud} the token endpoint, 5 minutes.
   */
  public static String assertion(String clientId, RSAKey key, URI tokenEndpoint) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(tokenEndpoint.toString())
            .jwtID(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS384)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign a client assertion with this key", e);
    }
    return jwt.serialize();
  }

  private String request(String authorization, String body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + tokenEndpoint + " for a token", e);
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(response.body());
    } catch (ParseException e) {
      throw new TokenException(response.statusCode(), "invalid_response", "not JSON");
    }
    if (response.statusCode() != 200 || !(json.get("access_token") instanceof String token)) {
      Object error = json.get("error");
      Object description = json.get("error_description");
      throw new TokenException(
          response.statusCode(),
          error instanceof String text ? text : "invalid_response",
          description instanceof String text ? text : null);
    }
    return token;
  }

  private static String form(List<String> scopes, Map<String, String> parameters) {
    StringBuilder body = new StringBuilder("grant_type=client_credentials");
    if (!scopes.isEmpty()) {
      body.append("&scope=").append(form(String.join(" ", scopes)));
    }
    parameters.forEach(
        (name, value) -> body.append('&').append(form(name)).append('=').append(form(value)));
    return body.toString();
  }

  private static String form(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
