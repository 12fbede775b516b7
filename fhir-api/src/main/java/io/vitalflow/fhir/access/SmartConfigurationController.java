package io.vitalflow.fhir.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /fhir/.well-known/smart-configuration} (SMART App Launch 2.x, open to everyone): where
 * an app authorizes and gets tokens, and what this server supports. 404 (an OperationOutcome) when
 * no issuer is configured.
 */
@RestController
final class SmartConfigurationController {

  /** SMART 2.x capabilities this server and the authorization servers it works with support. */
  static final List<String> CAPABILITIES =
      List.of(
          "launch-standalone",
          "client-public",
          "client-confidential-symmetric",
          "client-confidential-asymmetric",
          "context-standalone-patient",
          "permission-patient",
          "permission-user",
          "permission-v1",
          "permission-v2",
          "sso-openid-connect");

  /** Scopes worth asking for; any SMART resource scope (v1 or v2) is understood. */
  static final List<String> SCOPES =
      List.of(
          "openid",
          "fhirUser",
          "launch/patient",
          "offline_access",
          "patient/*.rs",
          "patient/*.cruds",
          "patient/*.read",
          "patient/*.write",
          "user/*.rs",
          "user/*.cruds",
          "user/*.read",
          "user/*.write",
          "system/*.rs",
          "system/*.cruds",
          "system/*.read",
          "system/*.write",
          "user/AuditEvent.rs",
          "system/AuditEvent.rs");

  private final SmartEndpoints endpoints;

  SmartConfigurationController(SmartEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @GetMapping("/fhir/.well-known/smart-configuration")
  ResponseEntity<Map<String, Object>> configuration() {
    SmartEndpoints.Endpoints known =
        endpoints
            .endpoints()
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND,
                        "No authorization server is configured"
                            + " (spring.security.oauth2.resourceserver.jwt.issuer-uri or"
                            + " vitalflow.fhir.smart.issuer)"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("issuer", known.issuer());
    body.put("jwks_uri", known.jwks());
    body.put("authorization_endpoint", known.authorize());
    body.put("token_endpoint", known.token());
    body.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
    body.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
    body.put(
        "token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "RS384", "ES384"));
    body.put("scopes_supported", SCOPES);
    body.put("response_types_supported", List.of("code"));
    body.put("capabilities", CAPABILITIES);
    body.put("code_challenge_methods_supported", List.of("S256"));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
