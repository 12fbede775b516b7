package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.SecuredFhir.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.local.TestIssuer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CDS Hooks 2.0 security with a trusted EHR: the EHR's signed JWT (keys from its JWKS URL, {@code
 * aud} = the service URL) authenticates the call, and the medication lookup in the FHIR store runs
 * with the rights of {@code fhirAuthorization} (its patient compartment included). Tokens of this
 * server's own issuer keep working; anything else is 401.
 */
class CdsHooksJwtTest {

  private static final String SIGN = "/cds-services/vitalflow-drug-interactions-sign";
  private static TestIssuer ehr;
  private static TestIssuer stranger;
  private static SecuredFhir fhir;
  private static FhirHttp root;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    ehr = new TestIssuer();
    stranger = new TestIssuer();
    fhir =
        SecuredFhir.start(
            "fhir_cds_jwt",
            "--vitalflow.fhir.cds.issuers[0].issuer=" + ehr.issuer(),
            "--vitalflow.fhir.cds.issuers[0].jwks-uri=" + ehr.issuer() + "/jwks");
    root = new FhirHttp(fhir.root);
    url = fhir.root + SIGN;
  }

  @AfterAll
  static void stop() {
    fhir.close();
    ehr.close();
    stranger.close();
  }

  /** An order-sign request for {@code patient}: a draft ibuprofen (warfarin is active for all). */
  private static String hook(String patient, String extra) {
    return "{\"hook\":\"order-sign\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\","
        + "\"context\":{\"userId\":\"Practitioner/dr1\",\"patientId\":\""
        + patient
        + "\",\"draftOrders\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
        + "{\"resourceType\":\"MedicationRequest\",\"id\":\"d1\",\"status\":\"draft\",\"intent\":\"order\","
        + "\"subject\":{\"reference\":\"Patient/"
        + patient
        + "\"},\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
        + "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"310965\"}]}}}]}}"
        + extra
        + "}";
  }

  private static String fhirAuthorization(String token) {
    return ",\"fhirAuthorization\":{\"access_token\":\""
        + token
        + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"patient/MedicationRequest.rs\","
        + "\"subject\":\"cds-service\"}";
  }

  private static String ehrJwt(String audience) throws Exception {
    return ehr.token(c -> c.audience(audience).claim("scope", null));
  }

  private static HttpResponse<String> post(String body, String token) {
    String[] headers =
        token == null
            ? new String[] {"Content-Type", "application/json"}
            : bearer(token, "Content-Type", "application/json");
    return root.post(SIGN, body, headers);
  }

  @Test
  void anEhrJwtWithFhirAuthorizationChecksAgainstThePatientsStoredMedications() throws Exception {
    String own = SecuredFhir.patientToken("pa", "patient/MedicationRequest.rs");

    HttpResponse<String> response = post(hook("pa", fhirAuthorization(own)), ehrJwt(url));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"summary\"");
  }

  @Test
  void theStoreLookupKeepsToFhirAuthorizationsPatient() throws Exception {
    String paOnly = SecuredFhir.patientToken("pa", "patient/MedicationRequest.rs");

    HttpResponse<String> response = post(hook("pb", fhirAuthorization(paOnly)), ehrJwt(url));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"cards\":[]}");
    // pb's warfarin is there for a token that may see it
    String pb = SecuredFhir.patientToken("pb", "patient/MedicationRequest.rs");
    assertThat(post(hook("pb", fhirAuthorization(pb)), ehrJwt(url)).body()).contains("\"summary\"");
  }

  @Test
  void anEhrJwtGivesTheStoreLookupNoRightsOfItsOwn() throws Exception {
    HttpResponse<String> withoutAuthorization = post(hook("pa", ""), ehrJwt(url));
    assertThat(withoutAuthorization.statusCode()).isEqualTo(400);
    assertThat(withoutAuthorization.body()).contains("fhirAuthorization");

    String prefetch =
        ",\"prefetch\":{\"medications\":{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}}";
    assertThat(post(hook("pa", prefetch), ehrJwt(url)).statusCode()).isEqualTo(200);

    String noScope = SecuredFhir.patientToken("pa", "patient/Observation.rs");
    assertThat(post(hook("pa", fhirAuthorization(noScope)), ehrJwt(url)).statusCode())
        .isEqualTo(400);
  }

  @Test
  void jwtsNotMadeForThisServiceAre401() throws Exception {
    String body = hook("pa", "");
    for (String token :
        new String[] {
          ehrJwt(fhir.root + "/cds-services/other"),
          ehrJwt("vitalflow"),
          ehr.token(
              c ->
                  c.audience(url)
                      .issueTime(Date.from(Instant.now().minusSeconds(900)))
                      .expirationTime(Date.from(Instant.now().minusSeconds(600)))),
          stranger.token(c -> c.audience(url)),
          ehr.forged("system/MedicationRequest.s"),
        }) {
      HttpResponse<String> response = post(body, token);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
      assertThat(FhirHttp.header(response, "WWW-Authenticate")).contains("invalid_token");
      assertThat(FhirHttp.header(response, "Content-Type")).startsWith("application/problem+json");
    }
    HttpResponse<String> anonymous = post(body, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(FhirHttp.header(anonymous, "WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(root.get("/cds-services").statusCode()).isEqualTo(200);
  }

  @Test
  void tokensOfThisServersIssuerStillNeedTheirScope() throws Exception {
    HttpResponse<String> allowed =
        post(hook("pb", ""), SecuredFhir.token("system/MedicationRequest.rs"));
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body()).contains("\"summary\"");

    HttpResponse<String> refused = post(hook("pb", ""), SecuredFhir.token("system/Observation.rs"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(FhirHttp.header(refused, "WWW-Authenticate")).contains("insufficient_scope");
  }

  @Test
  void feedbackTakesTheEhrsJwtToo() throws Exception {
    String feedback =
        "{\"feedback\":[{\"card\":\"8d0f6f7e-6b8a-4a7e-9a53-2d6c1d1b7a01\",\"outcome\":\"accepted\","
            + "\"outcomeTimestamp\":\"2026-12-06T09:00:00Z\",\"acceptedSuggestions\":[{\"id\":\"s-1\"}]}]}";
    String[] headers = bearer(ehrJwt(url + "/feedback"), "Content-Type", "application/json");
    assertThat(root.post(SIGN + "/feedback", feedback, headers).statusCode()).isEqualTo(200);
    String[] wrong = bearer(ehrJwt(url), "Content-Type", "application/json");
    assertThat(root.post(SIGN + "/feedback", feedback, wrong).statusCode()).isEqualTo(401);
  }

  @Test
  void anEhrJwtIsGoodForOneRequestAndFiveMinutesAtMost() throws Exception {
    String prefetch =
        ",\"prefetch\":{\"medications\":{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}}";
    String once = ehrJwt(url);
    assertThat(post(hook("pa", prefetch), once).statusCode()).isEqualTo(200);

    HttpResponse<String> replayed = post(hook("pa", prefetch), once);
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
    assertThat(replayed.body()).contains("used before");

    String longLived =
        ehr.token(
            c ->
                c.audience(url)
                    .claim("scope", null)
                    .expirationTime(Date.from(Instant.now().plusSeconds(3600))));
    HttpResponse<String> tooLong = post(hook("pa", prefetch), longLived);
    assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(401);
    assertThat(tooLong.body()).contains("5 minutes");
  }
}
