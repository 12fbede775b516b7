package io.vitalflow.fhir.cds;

import static io.vitalflow.fhir.cds.HookJson.CLARITHROMYCIN;
import static io.vitalflow.fhir.cds.HookJson.IBUPROFEN;
import static io.vitalflow.fhir.cds.HookJson.LISINOPRIL;
import static io.vitalflow.fhir.cds.HookJson.METFORMIN;
import static io.vitalflow.fhir.cds.HookJson.SIMVASTATIN;
import static io.vitalflow.fhir.cds.HookJson.WARFARIN;
import static io.vitalflow.fhir.cds.HookJson.active;
import static io.vitalflow.fhir.cds.HookJson.draft;
import static io.vitalflow.fhir.cds.HookJson.request;
import static io.vitalflow.fhir.cds.HookJson.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.ReadOnlyServer;
import io.vitalflow.local.LocalStack;
import io.vitalflow.storage.Migrations;
import io.vitalflow.storage.PostgresCoordinates;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The CDS Hooks service over HTTP, in the read-only fhir-api application (no Kafka) with the
 * shipped plugin.
 */
class CdsHooksServiceTest {

  private static final String SIGN = "/cds-services/vitalflow-drug-interactions-sign";
  private static final String SELECT = "/cds-services/vitalflow-drug-interactions-select";

  private static ReadOnlyServer server;
  private static WebTestClient client;

  @BeforeAll
  static void start() {
    PostgresCoordinates database = LocalStack.shared().freshDatabase("cds_hooks");
    Migrations.migrate(
        database.dataSource()); // requests without prefetch read the (empty) FHIR store
    server = ReadOnlyServer.start(database);
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static WebTestClient.BodyContentSpec post(String path, String body) {
    return client
        .post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody();
  }

  @Test
  void discoveryListsBothServices() {
    client
        .get()
        .uri("/cds-services")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.services.length()")
        .isEqualTo(2)
        .jsonPath("$.services[?(@.hook == 'order-select')].id")
        .isEqualTo("vitalflow-drug-interactions-select")
        .jsonPath("$.services[?(@.hook == 'order-sign')].id")
        .isEqualTo("vitalflow-drug-interactions-sign")
        .jsonPath("$.services[0].title")
        .isNotEmpty()
        .jsonPath("$.services[0].description")
        .isNotEmpty()
        .jsonPath("$.services[0].prefetch.medications")
        .isEqualTo("MedicationRequest?patient={{context.patientId}}&status=active");
  }

  @Test
  void warfarinWithIbuprofenIsOneCriticalCardNamingBothDrugs() {
    post(
            SIGN,
            sign(
                List.of(
                    draft("w", WARFARIN, "warfarin sodium 5 MG Oral Tablet"),
                    draft("i", IBUPROFEN, "ibuprofen 200 MG Oral Tablet"))))
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].indicator")
        .isEqualTo("critical")
        .jsonPath("$.cards[0].uuid")
        .isNotEmpty()
        .jsonPath("$.cards[0].summary")
        .value(
            String.class,
            summary ->
                assertThat(summary)
                    .containsIgnoringCase("warfarin")
                    .containsIgnoringCase("ibuprofen")
                    .hasSizeLessThan(140))
        .jsonPath("$.cards[0].detail")
        .value(
            String.class,
            detail ->
                assertThat(detail)
                    .contains(
                        "**Mechanism:**",
                        "**Clinical effect:**",
                        "**Management:**",
                        "WARF-NSAID",
                        "Holbrook"))
        .jsonPath("$.cards[0].source.label")
        .value(
            String.class,
            label ->
                assertThat(label)
                    .startsWith("VitalFlow drug-interaction knowledge base 2026.06.0+"))
        .jsonPath("$.cards[0].source.topic.code")
        .isEqualTo("WARF-NSAID")
        // the rule's advice is "Avoid": removing either draft order is offered
        .jsonPath("$.cards[0].selectionBehavior")
        .isEqualTo("at-most-one")
        .jsonPath("$.cards[0].suggestions.length()")
        .isEqualTo(2)
        .jsonPath("$.cards[0].suggestions[0].actions[0].type")
        .isEqualTo("delete")
        .jsonPath("$.cards[0].suggestions[0].actions[0].resourceId")
        .isEqualTo("MedicationRequest/w")
        .jsonPath("$.cards[0].suggestions[1].actions[0].resourceId")
        .isEqualTo("MedicationRequest/i")
        // CDS Hooks 2.0: the reasons a clinician may give for going on anyway, returned through
        // feedback
        .jsonPath("$.cards[0].overrideReasons.length()")
        .isEqualTo(OverrideReason.values().length)
        .jsonPath("$.cards[0].overrideReasons[0].system")
        .isEqualTo(OverrideReason.SYSTEM)
        .jsonPath("$.cards[0].overrideReasons[0].code")
        .isEqualTo("benefit-outweighs-risk")
        .jsonPath("$.cards[0].overrideReasons[0].display")
        .isNotEmpty();
  }

  @Test
  void moderateInteractionIsAWarningWithoutSuggestion() {
    // WARF-MACROLIDE is moderate and advises INR checks, not avoiding the pair
    post(
            SIGN,
            sign(
                List.of(
                    draft("w", WARFARIN, "warfarin sodium 5 MG Oral Tablet"),
                    draft("c", CLARITHROMYCIN, "clarithromycin 500 MG Oral Tablet"))))
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].indicator")
        .isEqualTo("warning")
        .jsonPath("$.cards[0].source.topic.code")
        .isEqualTo("WARF-MACROLIDE")
        .jsonPath("$.cards[0].suggestions")
        .doesNotExist()
        .jsonPath("$.cards[0].selectionBehavior")
        .doesNotExist();
  }

  @Test
  void medicationReferenceToAContainedMedicationIsResolved() {
    String byReference =
        """
        {"resourceType":"MedicationRequest","id":"i","status":"draft","intent":"order",
         "contained":[{"resourceType":"Medication","id":"med","code":{"coding":[
           {"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"%s"}],"text":"Ibuprofen tablets"}}],
         "subject":{"reference":"Patient/p-1"},"medicationReference":{"reference":"#med"}}"""
            .formatted(IBUPROFEN);
    post(SIGN, sign(List.of(draft("w", WARFARIN, "warfarin sodium 5 MG Oral Tablet"), byReference)))
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].source.topic.code")
        .isEqualTo("WARF-NSAID")
        .jsonPath("$.cards[0].summary")
        .value(String.class, s -> assertThat(s).contains("Ibuprofen tablets"));
  }

  @Test
  void harmlessPairGivesNoCard() {
    post(
            SIGN,
            sign(
                List.of(
                    draft("m", METFORMIN, "metformin hydrochloride 500 MG Oral Tablet"),
                    draft("l", LISINOPRIL, "lisinopril 10 MG Oral Tablet"))))
        .jsonPath("$.cards.length()")
        .isEqualTo(0);
  }

  @Test
  void unknownMedicationGetsAnInfoCard() {
    post(
            SIGN,
            sign(
                List.of(
                    draft("w", WARFARIN, "warfarin sodium 5 MG Oral Tablet"),
                    draft("x", "99999999", "Zorblax 10 MG Oral Tablet"))))
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].indicator")
        .isEqualTo("info")
        .jsonPath("$.cards[0].summary")
        .value(String.class, s -> assertThat(s).contains("Zorblax"))
        .jsonPath("$.cards[0].detail")
        .value(
            String.class,
            d ->
                assertThat(d)
                    .contains("Zorblax 10 MG Oral Tablet (draft order)")
                    .contains("not checked"));
  }

  @Test
  void orderSelectCardsOnlyPairsWithASelectedOrder() {
    List<String> drafts =
        List.of(
            draft("w", WARFARIN, "warfarin sodium 5 MG Oral Tablet"),
            draft("i", IBUPROFEN, "ibuprofen 200 MG Oral Tablet"),
            draft("s", SIMVASTATIN, "simvastatin 20 MG Oral Tablet"),
            draft("c", CLARITHROMYCIN, "clarithromycin 500 MG Oral Tablet"));
    // warfarin+ibuprofen, warfarin+clarithromycin and simvastatin+clarithromycin interact; only the
    // last has s
    post(SELECT, request("order-select", drafts, List.of("MedicationRequest/s"), null))
        .jsonPath("$.cards.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].source.topic.code")
        .isEqualTo("ONC-11-STATIN-CYP3A4I")
        .jsonPath("$.cards[0].indicator")
        .isEqualTo("critical")
        // the selected order is offered for removal first
        .jsonPath("$.cards[0].suggestions[0].actions[0].resourceId")
        .isEqualTo("MedicationRequest/s");
    post(SELECT, request("order-select", drafts, List.of("MedicationRequest/w"), null))
        .jsonPath("$.cards.length()")
        .isEqualTo(2)
        .jsonPath("$.cards[*].source.topic.code")
        .value(
            Object.class,
            codes ->
                assertThat(codes)
                    .asInstanceOf(InstanceOfAssertFactories.LIST)
                    .containsExactlyInAnyOrder("WARF-NSAID", "WARF-MACROLIDE"));
  }

  @Test
  void prefetchedActiveMedicationsAreCheckedAgainstTheDraftOrders() {
    List<String> active =
        List.of(
            active("a1", WARFARIN, "warfarin sodium 5 MG Oral Tablet"),
            active("a2", CLARITHROMYCIN, "clarithromycin 500 MG Oral Tablet"));
    post(
            SIGN,
            request(
                "order-sign",
                List.of(draft("i", IBUPROFEN, "ibuprofen 200 MG Oral Tablet")),
                null,
                active))
        .jsonPath("$.cards.length()")
        .isEqualTo(1) // warfarin+clarithromycin are both already active: no card
        .jsonPath("$.cards[0].source.topic.code")
        .isEqualTo("WARF-NSAID")
        .jsonPath("$.cards[0].detail")
        .value(String.class, d -> assertThat(d).contains("(active medication)"))
        // only the draft order may be removed, never the active medication
        .jsonPath("$.cards[0].suggestions.length()")
        .isEqualTo(1)
        .jsonPath("$.cards[0].suggestions[0].actions[0].resourceId")
        .isEqualTo("MedicationRequest/i");
  }

  @Test
  void malformedRequestsAre400ProblemDetails() {
    for (String body :
        List.of(
            "{\"hook\": ",
            "[]",
            "{\"hook\":\"order-sign\",\"hookInstance\":\"x\"}",
            "{\"hook\":\"order-select\",\"hookInstance\":\"x\",\"context\":{\"patientId\":\"p\",\"draftOrders\":"
                + HookJson.bundle("collection", List.of())
                + "}}",
            "{\"hook\":\"order-sign\",\"hookInstance\":\"x\",\"context\":{\"patientId\":\"p\",\"draftOrders\":"
                + "{\"resourceType\":\"Patient\"}}}")) {
      client
          .post()
          .uri(SIGN)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(body)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.status")
          .isEqualTo(400)
          .jsonPath("$.detail")
          .isNotEmpty()
          .jsonPath("$.trace")
          .doesNotExist();
    }
    // order-select needs selections, and they must name draft orders
    client
        .post()
        .uri(SELECT)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(request("order-select", List.of(draft("w", WARFARIN, "warfarin")), null, null))
        .exchange()
        .expectStatus()
        .isBadRequest();
    client
        .post()
        .uri(SELECT)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            request(
                "order-select",
                List.of(draft("w", WARFARIN, "warfarin")),
                List.of("MedicationRequest/nope"),
                null))
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void duplicateKeysAndDeepNestingAre400NamingTheKey() {
    // the same patient id twice: a proxy that reads the first and this service (last wins) would
    // disagree
    String twice =
        sign(List.of(draft("w", WARFARIN, "warfarin")))
            .replace("\"patientId\":\"p-1\"", "\"patientId\":\"p-1\",\"patientId\":\"p-2\"");
    client
        .post()
        .uri(SIGN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(twice)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(
            String.class,
            d -> assertThat(d).contains("'patientId'", "/context/patientId").doesNotContain("p-2"));
    // inside a draft order too
    String inOrder =
        sign(List.of(draft("w", WARFARIN, "warfarin")))
            .replace("\"intent\":\"order\"", "\"intent\":\"order\",\"intent\":\"plan\"");
    client
        .post()
        .uri(SIGN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(inOrder)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(String.class, d -> assertThat(d).contains("'intent'"));
    String deep = "{\"hook\":\"order-sign\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    client
        .post()
        .uri(SIGN)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(deep)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(String.class, d -> assertThat(d).contains("deeper than"));
  }

  @Test
  void unknownServiceIs404() {
    client
        .post()
        .uri("/cds-services/no-such-service")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(sign(List.of(draft("w", WARFARIN, "warfarin"))))
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(404);
  }
}
