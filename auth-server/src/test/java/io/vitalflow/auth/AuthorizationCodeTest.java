package io.vitalflow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The ward dashboard and the SMART app log people in with authorization code + PKCE (S256): end to
 * end through the login form, then the code is exchanged with its verifier.
 */
class AuthorizationCodeTest {

  private static final String WARD_CALLBACK = "http://127.0.0.1:8084/ward/callback";

  private final LocalAuthServer auth = LocalAuthServer.shared();
  private final NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(auth.jwksUri()).build();

  @Test
  void aNurseLogsInToTheWardDashboardWithPkce() throws Exception {
    BrowserLogin browser = new BrowserLogin(auth.issuer());
    String verifier = BrowserLogin.verifier();

    URI callback =
        browser.authorize(
            ward("openid user/Observation.rs", BrowserLogin.challenge(verifier), "S256"),
            "nurse-a",
            auth.password("nurse-a"));

    assertThat(callback.toString()).startsWith(WARD_CALLBACK + "?");
    Map<String, String> answer = BrowserLogin.query(callback);
    assertThat(answer).containsEntry("state", "state-1").containsKey("code");

    HttpResponse<String> withoutVerifier = browser.token(exchange(answer.get("code"), null));
    assertThat(withoutVerifier.statusCode()).isEqualTo(400);

    // a code is single-use: get another one for the real exchange
    callback =
        browser.authorize(
            ward("openid user/Observation.rs", BrowserLogin.challenge(verifier), "S256"),
            "nurse-a",
            auth.password("nurse-a"));
    HttpResponse<String> response =
        browser.token(exchange(BrowserLogin.query(callback).get("code"), verifier));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> tokens = JSONObjectUtils.parse(response.body());

    Jwt access = decoder.decode((String) tokens.get("access_token"));
    assertThat(access.getSubject()).isEqualTo("nurse-a");
    assertThat(access.getClaimAsString("client_id")).isEqualTo("vitalflow-ward");
    assertThat(access.getAudience()).containsExactly("vitalflow");
    assertThat(access.getClaimAsStringList("wards")).containsExactly("ward-a");
    assertThat(access.getClaimAsStringList("scope"))
        .containsExactlyInAnyOrder("openid", "user/Observation.rs");
    Jwt id = decoder.decode((String) tokens.get("id_token"));
    assertThat(id.getSubject()).isEqualTo("nurse-a");
    assertThat(id.getAudience()).containsExactly("vitalflow-ward");
  }

  @Test
  void aWrongVerifierIsRefused() throws Exception {
    BrowserLogin browser = new BrowserLogin(auth.issuer());
    URI callback =
        browser.authorize(
            ward("openid", BrowserLogin.challenge(BrowserLogin.verifier()), "S256"),
            "nurse-b",
            auth.password("nurse-b"));

    HttpResponse<String> response =
        browser.token(exchange(BrowserLogin.query(callback).get("code"), BrowserLogin.verifier()));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSONObjectUtils.parse(response.body())).containsEntry("error", "invalid_grant");
  }

  @Test
  void plainPkceAndNoPkceAreRefused() throws Exception {
    BrowserLogin browser = new BrowserLogin(auth.issuer());
    String verifier = BrowserLogin.verifier();

    URI plain =
        browser.authorize(ward("openid", verifier, "plain"), "nurse-a", auth.password("nurse-a"));
    Map<String, String> none = ward("openid", null, null);
    URI withoutChallenge = browser.authorize(none, "nurse-a", auth.password("nurse-a"));

    assertThat(BrowserLogin.query(plain)).doesNotContainKey("code").containsKey("error");
    assertThat(BrowserLogin.query(withoutChallenge))
        .doesNotContainKey("code")
        .containsEntry("error", "invalid_request");
  }

  @Test
  void wardAdministrationIsForTheAdministratorOnly() throws Exception {
    String scope = "openid user/Observation.rs vitalflow/wards.admin";
    String verifier = BrowserLogin.verifier();

    URI nurse =
        new BrowserLogin(auth.issuer())
            .authorize(
                ward(scope, BrowserLogin.challenge(verifier), "S256"),
                "nurse-a",
                auth.password("nurse-a"));
    BrowserLogin adminBrowser = new BrowserLogin(auth.issuer());
    URI admin =
        adminBrowser.authorize(
            ward(scope, BrowserLogin.challenge(verifier), "S256"), "admin", auth.password("admin"));

    assertThat(BrowserLogin.query(nurse)).containsEntry("error", "invalid_scope");
    HttpResponse<String> response =
        adminBrowser.token(exchange(BrowserLogin.query(admin).get("code"), verifier));
    Jwt access =
        decoder.decode((String) JSONObjectUtils.parse(response.body()).get("access_token"));
    assertThat(access.getClaimAsStringList("scope")).contains("vitalflow/wards.admin");
    assertThat(access.getClaimAsStringList("wards")).containsExactly("*");
  }

  @Test
  void aPatientLaunchesTheSmartAppStandalone() throws Exception {
    BrowserLogin browser = new BrowserLogin(auth.issuer());
    String verifier = BrowserLogin.verifier();
    Map<String, String> request = new LinkedHashMap<>();
    request.put("response_type", "code");
    request.put("client_id", "vitalflow-smart-app");
    request.put("redirect_uri", "http://127.0.0.1:8090/callback");
    request.put("scope", "launch/patient patient/*.rs openid fhirUser");
    request.put("state", "s");
    request.put("code_challenge", BrowserLogin.challenge(verifier));
    request.put("code_challenge_method", "S256");

    URI callback = browser.authorize(request, "patient-a", auth.password("patient-a"));
    Map<String, String> exchange = new LinkedHashMap<>();
    exchange.put("grant_type", "authorization_code");
    exchange.put("code", BrowserLogin.query(callback).get("code"));
    exchange.put("redirect_uri", "http://127.0.0.1:8090/callback");
    exchange.put("client_id", "vitalflow-smart-app");
    exchange.put("code_verifier", verifier);
    HttpResponse<String> response = browser.token(exchange);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> tokens = JSONObjectUtils.parse(response.body());
    assertThat(tokens).containsEntry("patient", "sim-1");
    Jwt access = decoder.decode((String) tokens.get("access_token"));
    assertThat(access.getClaimAsString("patient")).isEqualTo("sim-1");
    assertThat(access.getSubject()).isEqualTo("patient-a");
    assertThat(access.getClaimAsStringList("scope")).contains("patient/*.rs", "launch/patient");
    Jwt id = decoder.decode((String) tokens.get("id_token"));
    assertThat(id.getClaimAsString("fhirUser")).isEqualTo("Patient/sim-1");
  }

  private static Map<String, String> ward(String scope, String challenge, String method) {
    Map<String, String> request = new LinkedHashMap<>();
    request.put("response_type", "code");
    request.put("client_id", "vitalflow-ward");
    request.put("redirect_uri", WARD_CALLBACK);
    request.put("scope", scope);
    request.put("state", "state-1");
    if (challenge != null) {
      request.put("code_challenge", challenge);
      request.put("code_challenge_method", method);
    }
    return request;
  }

  private static Map<String, String> exchange(String code, String verifier) {
    Map<String, String> exchange = new LinkedHashMap<>();
    exchange.put("grant_type", "authorization_code");
    exchange.put("code", code);
    exchange.put("redirect_uri", WARD_CALLBACK);
    exchange.put("client_id", "vitalflow-ward");
    if (verifier != null) {
      exchange.put("code_verifier", verifier);
    }
    return exchange;
  }
}
