package io.vitalflow.dashboard.access;

import io.vitalflow.dashboard.DashboardProperties;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/dashboard/login} (public): how the ward page logs in: {@code {"enabled": true,
 * "authorizationUri": "…", "tokenUri": "…", "clientId": "vitalflow-ward", "scope": "…"}}; {@code
 * {"enabled": false}} when security is switched off (the page then connects without a token). No
 * secret: the page is a public client (PKCE).
 */
@RestController
final class LoginController {

  /** The page's redirect URI path (the local authorization server registers it for port 8084). */
  static final String CALLBACK = "/ward/callback";

  private final Map<String, Object> body;

  LoginController(
      DashboardProperties properties,
      OAuth2ResourceServerProperties resourceServer,
      Admissions admissions) {
    DashboardProperties.Login login = properties.login();
    String issuer = resourceServer.getJwt().getIssuerUri();
    String base = issuer == null ? "" : issuer.replaceAll("/+$", "");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("enabled", admissions.enabled());
    if (admissions.enabled()) {
      config.put(
          "authorizationUri",
          login.authorizationUri().isBlank()
              ? base + "/oauth2/authorize"
              : login.authorizationUri());
      config.put(
          "tokenUri", login.tokenUri().isBlank() ? base + "/oauth2/token" : login.tokenUri());
      config.put("clientId", login.clientId());
      config.put("scope", login.scope());
    }
    this.body = Map.copyOf(config);
  }

  @GetMapping("/api/v1/dashboard/login")
  ResponseEntity<Map<String, Object>> login() {
    return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(body);
  }

  /**
   * {@code GET /ward/callback?code=…&state=…} (public), the page's redirect URI at the
   * authorization server: back to the page ({@code 303} to {@code /} with the same query), which
   * finishes the login and removes the code from the address bar.
   */
  @GetMapping(CALLBACK)
  ResponseEntity<Void> callback(ServerHttpRequest request) {
    String query = request.getURI().getRawQuery();
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .location(URI.create("/" + (query == null ? "" : "?" + query)))
        .cacheControl(CacheControl.noStore())
        .header("Referrer-Policy", "no-referrer")
        .build();
  }
}
