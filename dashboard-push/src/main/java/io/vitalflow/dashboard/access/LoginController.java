package io.vitalflow.dashboard.access;

import io.vitalflow.dashboard.DashboardProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
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
}
