package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a whole: discovery, its URL file, CORS for the browser clients, bad settings. */
class ServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void discoveryNamesTheIssuerTheJwksAndS256() throws Exception {
    LocalAuthServer auth = LocalAuthServer.shared();

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(auth.issuer() + "/.well-known/openid-configuration"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    Map<String, Object> discovery = JSONObjectUtils.parse(response.body());
    assertThat(discovery)
        .containsEntry("issuer", auth.issuer())
        .containsEntry("jwks_uri", auth.jwksUri())
        .containsEntry("token_endpoint", auth.tokenEndpoint());
    assertThat(discovery.get("code_challenge_methods_supported")).isEqualTo(List.of("S256"));
  }

  @Test
  void theUrlFileNamesTheRunningServerAndGoesWhenItStops(@TempDir Path dataDir) {
    Path authDir = dataDir.resolve("auth");
    try (LocalAuthServer auth = LocalAuthServer.start(dataDir)) {
      assertThat(AuthFiles.read(authDir, AuthFiles.URL)).contains(auth.issuer());
    }
    assertThat(AuthFiles.read(authDir, AuthFiles.URL)).isEmpty();
  }

  @Test
  void theWardPagesOriginMayCallTheTokenEndpointOtherOriginsMayNot() throws Exception {
    LocalAuthServer auth = LocalAuthServer.shared();

    HttpResponse<String> ward = preflight(auth, "http://127.0.0.1:8084");
    HttpResponse<String> other = preflight(auth, "http://evil.example");

    assertThat(ward.statusCode()).isEqualTo(200);
    assertThat(ward.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("http://127.0.0.1:8084");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void aBadSettingStopsTheStartNamingIt(@TempDir Path dataDir) {
    assertThatThrownBy(() -> LocalAuthServer.start(dataDir, "vitalflow.auth.token-lifetime=0s"))
        .hasStackTraceContaining("vitalflow.auth.token-lifetime must be positive");
    assertThatThrownBy(() -> LocalAuthServer.start(dataDir, "vitalflow.auth.issuer=ftp://x"))
        .hasStackTraceContaining("vitalflow.auth.issuer must be an http(s) URL");
  }

  private HttpResponse<String> preflight(LocalAuthServer auth, String origin) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(auth.tokenEndpoint()))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
