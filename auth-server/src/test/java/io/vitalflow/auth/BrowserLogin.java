package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does in an authorization-code flow, with a plain HTTP client: it follows the
 * redirect to the login form, posts the form (with its CSRF token), follows the redirect back to
 * the authorization endpoint, and stops at the redirect to the client.
 */
final class BrowserLogin {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(new CookieManager())
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final String issuer;

  BrowserLogin(String issuer) {
    this.issuer = issuer;
  }

  /** A random PKCE code verifier (43 characters). */
  static String verifier() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The S256 challenge of {@code verifier}. */
  static String challenge(String verifier) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Logs in as {@code user} for the authorization request {@code parameters} and returns the URI
   * the server finally redirects to (the client's redirect URI with {@code code} or {@code error}).
   */
  URI authorize(Map<String, String> parameters, String user, String password) throws Exception {
    URI authorize = URI.create(issuer + "/oauth2/authorize?" + form(parameters));
    HttpResponse<String> response = get(authorize);
    if (response.statusCode() == 302 && location(response).getPath().equals("/login")) {
      HttpResponse<String> page = get(location(response));
      assertThat(page.statusCode()).isEqualTo(200);
      Matcher csrf = CSRF.matcher(page.body());
      assertThat(csrf.find()).as("the login page has a CSRF token").isTrue();
      Map<String, String> login = new LinkedHashMap<>();
      login.put("username", user);
      login.put("password", password);
      login.put("_csrf", csrf.group(1));
      HttpResponse<String> posted = post(URI.create(issuer + "/login"), form(login));
      assertThat(posted.statusCode()).as("the login form answers with a redirect").isEqualTo(302);
      URI next = location(posted);
      assertThat(next.getPath())
          .as("logged in: back to the authorization endpoint")
          .isEqualTo("/oauth2/authorize");
      response = get(next);
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
    return location(response);
  }

  /** A form POST to the token endpoint; the response as it is. */
  HttpResponse<String> token(Map<String, String> parameters)
      throws IOException, InterruptedException {
    return post(URI.create(issuer + "/oauth2/token"), form(parameters));
  }

  /** The query parameters of {@code uri}. */
  static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        parameters.put(
            java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return parameters;
  }

  static String form(Map<String, String> parameters) {
    StringBuilder body = new StringBuilder();
    parameters.forEach(
        (name, value) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).header("Accept", "text/html").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI location(HttpResponse<String> response) {
    String location = response.headers().firstValue("Location").orElseThrow();
    return URI.create(issuer).resolve(location);
  }
}
