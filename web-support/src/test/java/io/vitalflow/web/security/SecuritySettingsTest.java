package io.vitalflow.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.local.TestIssuer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The settings of the resource server, each test with its own service. Apart from {@link
 * ResourceServerTest}: closing a context releases Reactor Netty's shared event loops, which would
 * cut off the server the other tests still use.
 */
class SecuritySettingsTest {

  private static TestIssuer issuer;

  @BeforeAll
  static void start() throws Exception {
    issuer = new TestIssuer();
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static HttpResponse<String> get(
      ConfigurableApplicationContext app, String path, String token) throws Exception {
    return ResourceServerTest.get(app, path, token);
  }

  @Test
  void claimNamesAreSettings() throws Exception {
    try (ConfigurableApplicationContext entra =
        SecuredApp.start(
            "--vitalflow.security.enabled=true",
            "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.issuer() + "/jwks",
            "--spring.security.oauth2.resourceserver.jwt.audiences=api://vitalflow",
            "--vitalflow.security.claims.scope=scp",
            "--vitalflow.security.claims.client-id=azp")) {
      String token =
          issuer.token(
              c ->
                  c.audience("api://vitalflow")
                      .claim("client_id", null)
                      .claim("azp", "ehr-app")
                      .claim("scp", "user/Observation.read"));

      HttpResponse<String> response = get(entra, "/api/whoami", token);

      assertThat(response.body()).isEqualTo("test-client|ehr-app|-||true");
      assertThat(get(entra, "/api/whoami", issuer.token("system/*.rs")).statusCode())
          .as("audience vitalflow is not api://vitalflow")
          .isEqualTo(401);
    }
  }

  @Test
  void switchedOffEveryRequestIsTheUnsecuredCaller() throws Exception {
    try (ConfigurableApplicationContext open =
        SecuredApp.start("--vitalflow.security.enabled=false")) {
      HttpResponse<String> response = get(open, "/api/whoami", null);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).startsWith("unsecured|unsecured|");
    }
  }

  @Test
  void switchedOnWithoutAnIssuerTheServiceRefusesToStart() {
    assertThatThrownBy(() -> SecuredApp.start("--vitalflow.security.enabled=true"))
        .hasStackTraceContaining("no token issuer is configured")
        .hasStackTraceContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
  }
}
