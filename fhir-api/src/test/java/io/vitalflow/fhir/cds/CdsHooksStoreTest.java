package io.vitalflow.fhir.cds;

import static io.vitalflow.fhir.cds.HookJson.IBUPROFEN;
import static io.vitalflow.fhir.cds.HookJson.WARFARIN;
import static io.vitalflow.fhir.cds.HookJson.draft;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.http.FhirServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The CDS Hooks service in the full fhir-api on the real broker and PostgreSQL: a hook request
 * without prefetch is checked against the patient's active MedicationRequests in the FHIR store,
 * and feedback is stored in {@code cds_feedback}.
 */
class CdsHooksStoreTest {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final String SIGN = "/cds-services/vitalflow-drug-interactions-sign";
  private static final String FEEDBACK = SIGN + "/feedback";

  private static FhirServer server;
  private static WebTestClient client;

  @BeforeAll
  static void start() throws Exception {
    server = FhirServer.start("cds_store");
    client =
        WebTestClient.bindToServer()
            .baseUrl(server.base.substring(0, server.base.length() - "/fhir".length()))
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void withoutPrefetchTheDraftIsCheckedAgainstTheActiveOrdersInTheStore() {
    String warfarin =
        post(order("cds-store-1", "active", WARFARIN, "warfarin sodium 5 MG Oral Tablet"));
    post(
        order(
            "cds-store-2",
            "active",
            WARFARIN,
            "warfarin sodium 5 MG Oral Tablet")); // another patient

    hook("cds-store-1", null)
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].indicator")
        .isEqualTo("critical")
        .jsonPath("$.cards[0].detail")
        .value(
            String.class,
            detail ->
                assertThat(detail)
                    .contains("warfarin sodium 5 MG Oral Tablet** (active medication)"))
        // the active order is never offered for removal
        .jsonPath("$.cards[0].suggestions.length()")
        .isEqualTo(1);
    // a patient with no orders
    hook("cds-store-3", null).jsonPath("$.cards.length()").isEqualTo(0);
    // a prefetch, even an empty one, is what the client says is active
    hook("cds-store-1", "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}")
        .jsonPath("$.cards.length()")
        .isEqualTo(0);

    client
        .put()
        .uri("/fhir/MedicationRequest/" + warfarin)
        .contentType(FHIR_JSON)
        .bodyValue(
            order("cds-store-1", "stopped", WARFARIN, "warfarin sodium 5 MG Oral Tablet")
                .replace("{\"resourceType\"", "{\"id\":\"" + warfarin + "\",\"resourceType\""))
        .exchange()
        .expectStatus()
        .isOk();
    hook("cds-store-1", null)
        .jsonPath("$.cards.length()")
        .isEqualTo(0); // a stopped order is not active
  }

  @Test
  void withoutPrefetchAPatientIdThatIsNoFhirIdIs400() {
    client
        .post()
        .uri(SIGN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(request("p 1/x", null))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail")
        .value(
            String.class,
            detail ->
                assertThat(detail)
                    .contains("context.patientId must be a FHIR resource id")
                    .doesNotContain("p 1/x"));
  }

  @Test
  void feedbackIsStoredWithTheOverrideReasonAndARetryStoresNothingTwice() throws SQLException {
    UUID overridden = UUID.randomUUID();
    UUID accepted = UUID.randomUUID();
    String body =
        """
        {"feedback":[
          {"card":"%s","outcome":"overridden","outcomeTimestamp":"2026-12-06T10:15:30+01:00",
           "overrideReason":{"reason":{"system":"%s","code":"will-monitor","display":"Will monitor"},
                             "userComment":"INR checked daily"}},
          {"card":"%s","outcome":"accepted","outcomeTimestamp":"2026-12-06T09:00:00Z",
           "acceptedSuggestions":[{"id":"s-1"}]}]}"""
            .formatted(overridden, OverrideReason.SYSTEM, accepted);
    for (int attempt = 0; attempt < 2; attempt++) {
      client
          .post()
          .uri(FEEDBACK)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .isEmpty();
    }
    List<String> rows =
        rows(
            "select service_id, card_uuid, outcome, outcome_at at time zone 'UTC', override_code,"
                + " override_display, user_comment, array_to_string(accepted_suggestions, ',') from cds_feedback"
                + " where card_uuid in ('"
                + overridden
                + "', '"
                + accepted
                + "') order by outcome_at");
    assertThat(rows)
        .containsExactly(
            "vitalflow-drug-interactions-sign|"
                + accepted
                + "|accepted|2026-12-06 09:00:00|null|null|null|s-1",
            "vitalflow-drug-interactions-sign|"
                + overridden
                + "|overridden|2026-12-06 09:15:30|will-monitor"
                + "|Will monitor the patient or adjust the dose|INR checked daily|");
  }

  @Test
  void badFeedbackIs400NamingTheFieldAndStoresNothing() throws SQLException {
    String card = UUID.randomUUID().toString();
    String at = "\"outcomeTimestamp\":\"2026-12-06T10:00:00Z\"";
    String[][] cases = {
      {"", "the request body is empty"},
      {"[]", "must be a JSON object"},
      {"{\"feedback\":[]}", "feedback must be a non-empty array"},
      {
        "{\"feedback\":[{\"card\":\"not-a-uuid\",\"outcome\":\"accepted\"," + at + "}]}",
        "feedback[0].card must be the uuid of a card"
      },
      {
        "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"ignored\"," + at + "}]}",
        "feedback[0].outcome must be 'accepted' or 'overridden'"
      },
      {
        "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"accepted\"}]}",
        "feedback[0].outcomeTimestamp must be a non-empty string"
      },
      {
        "{\"feedback\":[{\"card\":\""
            + card
            + "\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"yesterday\"}]}",
        "feedback[0].outcomeTimestamp must be an ISO 8601 date-time"
      },
      {
        "{\"feedback\":[{\"card\":\""
            + card
            + "\",\"outcome\":\"overridden\","
            + at
            + ",\"overrideReason\":{\"reason\":{\"system\":\"http://example.org\",\"code\":\"x\"}}}]}",
        "feedback[0].overrideReason.reason is not one of the overrideReasons"
      },
      {
        "{\"feedback\":[{\"card\":\""
            + card
            + "\",\"outcome\":\"accepted\","
            + at
            + ",\"overrideReason\":{\"userComment\":\"x\"}}]}",
        "feedback[0].overrideReason is only for the outcome 'overridden'"
      },
      {
        "{\"feedback\":[{\"card\":\""
            + card
            + "\",\"outcome\":\"accepted\","
            + at
            + ",\"patient\":\"p-1\"}]}",
        "feedback[0] has an unknown field 'patient'"
      },
    };
    for (String[] bad : cases) {
      client
          .post()
          .uri(FEEDBACK)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(bad[0])
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.title")
          .isEqualTo("Invalid CDS Hooks request")
          .jsonPath("$.detail")
          .value(String.class, detail -> assertThat(detail).as(bad[0]).contains(bad[1]));
    }
    client
        .post()
        .uri("/cds-services/no-such-service/feedback")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"accepted\"," + at + "}]}")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(rows("select outcome from cds_feedback where card_uuid = '" + card + "'")).isEmpty();
  }

  private static WebTestClient.BodyContentSpec hook(String patient, String prefetch) {
    return client
        .post()
        .uri(SIGN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(request(patient, prefetch))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody();
  }

  /** An order-sign request for {@code patient} with one draft ibuprofen order. */
  private static String request(String patient, String prefetch) {
    return """
        {"hook":"order-sign","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
         "context":{"userId":"Practitioner/1","patientId":"%s","draftOrders":%s}%s}"""
        .formatted(
            patient,
            HookJson.bundle(
                "collection", List.of(draft("i", IBUPROFEN, "ibuprofen 200 MG Oral Tablet"))),
            prefetch == null ? "" : ",\"prefetch\":{\"medications\":" + prefetch + "}");
  }

  private static String order(String patient, String status, String rxcui, String text) {
    return """
        {"resourceType":"MedicationRequest","status":"%s","intent":"order",
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
           "code":"%s"}],"text":"%s"},
         "subject":{"reference":"Patient/%s"}}"""
        .formatted(status, rxcui, text, patient);
  }

  /** POSTs a MedicationRequest and returns its new id. */
  private static String post(String body) {
    URI location =
        client
            .post()
            .uri("/fhir/MedicationRequest")
            .contentType(FHIR_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isCreated()
            .returnResult(String.class)
            .getResponseHeaders()
            .getLocation();
    assertThat(location).isNotNull();
    String path = location.getPath();
    String afterType =
        path.substring(path.indexOf("/MedicationRequest/") + "/MedicationRequest/".length());
    return afterType.substring(0, afterType.indexOf('/'));
  }

  private static List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = server.database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(result.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
