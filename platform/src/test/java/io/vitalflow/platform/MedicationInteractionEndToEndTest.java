package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The medication path on a real broker and a real PostgreSQL: MedicationRequests written through
 * the FHIR API reach the interaction stream through {@code fhir.resources.v1}; the interaction
 * comes back as a DetectedIssue through the FHIR write path and as one alert.
 */
class MedicationInteractionEndToEndTest {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final String PATIENT = "med-e2e-1";

  private static RunningServices services;
  private static WebTestClient fhir;

  @BeforeAll
  static void start() throws Exception {
    services = new RunningServices("medications").startAll();
    fhir = services.client(services.fhirPort);
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  @Test
  void warfarinAndIbuprofenGiveOneDetectedIssueAndOneAlert() {
    String warfarin = post(order("855332", "warfarin sodium 5 MG Oral Tablet"));
    String ibuprofen = post(order("310965", "ibuprofen 200 MG Oral Tablet"));

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                fhir.get()
                    .uri("/fhir/DetectedIssue?patient=" + PATIENT)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(1));
    fhir.get()
        .uri("/fhir/DetectedIssue?patient=" + PATIENT)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.entry[0].resource.status")
        .isEqualTo("final")
        .jsonPath("$.entry[0].resource.severity")
        .isEqualTo("high")
        .jsonPath("$.entry[0].resource.code.coding[0].code")
        .isEqualTo("DRG")
        .jsonPath("$.entry[0].resource.implicated.length()")
        .isEqualTo(2)
        .jsonPath(
            "$.entry[0].resource.implicated[?(@.reference == 'MedicationRequest/"
                + warfarin
                + "')]")
        .exists()
        .jsonPath(
            "$.entry[0].resource.implicated[?(@.reference == 'MedicationRequest/"
                + ibuprofen
                + "')]")
        .exists();

    // a new version of an order with the same pair reports nothing new
    fhir.put()
        .uri("/fhir/MedicationRequest/" + ibuprofen)
        .contentType(FHIR_JSON)
        .bodyValue(
            order("197806", "ibuprofen 600 MG Oral Tablet")
                .replace("{\"resourceType\"", "{\"id\":\"" + ibuprofen + "\",\"resourceType\""))
        .exchange()
        .expectStatus()
        .isOk();

    List<Alert> alerts = drugInteractionAlerts(Duration.ofSeconds(90));
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.HIGH);
    assertThat(alert.getTitle()).isEqualTo("Drug interaction: warfarin + ibuprofen (major)");
    assertThat(alert.getDetectedIssue()).contains("\"resourceType\":\"DetectedIssue\"");
    fhir.get()
        .uri("/fhir/DetectedIssue?patient=" + PATIENT)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.entry.length()")
        .isEqualTo(1);
  }

  /**
   * Never silent, and issues that follow the orders: an order the knowledge base cannot resolve is
   * a searchable "not checked" DetectedIssue; stopping a drug retires the interaction's
   * DetectedIssue (a new version, status cancelled); making it active again reports the interaction
   * again (a new DetectedIssue).
   */
  @Test
  void anUnresolvedOrderIsRecordedAsNotCheckedAndAnIssueFollowsItsOrders() {
    String patient = "med-e2e-2";
    String unknown = post(order(patient, "99999999", "Zorblax 10 MG Oral Tablet", "active"));
    String notChecked =
        "/fhir/DetectedIssue?patient="
            + patient
            + "&code=https://vitalflow.io/fhir/CodeSystem/medication-safety|interaction-check-not-performed";
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                fhir.get()
                    .uri(notChecked)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(1)
                    .jsonPath("$.entry[0].resource.status")
                    .isEqualTo("final")
                    .jsonPath("$.entry[0].resource.implicated[0].reference")
                    .isEqualTo("MedicationRequest/" + unknown));

    post(order(patient, "855332", "warfarin sodium 5 MG Oral Tablet", "active"));
    String ibuprofenBody = order(patient, "310965", "ibuprofen 200 MG Oral Tablet", "active");
    String ibuprofen = post(ibuprofenBody);
    String interactions =
        "/fhir/DetectedIssue?patient="
            + patient
            + "&code=http://terminology.hl7.org/CodeSystem/v3-ActCode|DRG";
    String[] first = new String[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                fhir.get()
                    .uri(interactions)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(1)
                    .jsonPath("$.entry[0].resource.status")
                    .isEqualTo("final")
                    .jsonPath("$.entry[0].resource.id")
                    .value(String.class, id -> first[0] = id));

    String withId = "{\"id\":\"" + ibuprofen + "\",\"resourceType\"";
    fhir.put()
        .uri("/fhir/MedicationRequest/" + ibuprofen)
        .contentType(FHIR_JSON)
        .bodyValue(
            ibuprofenBody.replace("\"active\"", "\"stopped\"").replace("{\"resourceType\"", withId))
        .exchange()
        .expectStatus()
        .isOk();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                fhir.get()
                    .uri("/fhir/DetectedIssue/" + first[0])
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("cancelled")
                    .jsonPath("$.meta.versionId")
                    .isEqualTo("2")
                    .jsonPath("$.mitigation[0].action.coding[0].code")
                    .isEqualTo("13"));

    fhir.put()
        .uri("/fhir/MedicationRequest/" + ibuprofen)
        .contentType(FHIR_JSON)
        .bodyValue(ibuprofenBody.replace("{\"resourceType\"", withId))
        .exchange()
        .expectStatus()
        .isOk();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                fhir.get()
                    .uri(interactions)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(2)
                    .jsonPath("$.entry[?(@.resource.status == 'cancelled')].resource.id")
                    .isEqualTo(List.of(first[0]))
                    // two issues: the retired one and a new one, final, for the same two orders
                    .jsonPath(
                        "$.entry[?(@.resource.status == 'final')].resource.implicated.length()")
                    .isEqualTo(List.of(2)));
  }

  @Test
  void theProcessorReportsTheMedicationStreamsStateAsHealth() {
    WebTestClient processor =
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + services.processorPort).build();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                processor
                    .get()
                    .uri("/actuator/health")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.components.medicationStreams.details.state")
                    .isEqualTo("RUNNING")
                    .jsonPath("$.components.streams.details.state")
                    .isEqualTo("RUNNING"));
  }

  private static String order(String rxcui, String text) {
    return order(PATIENT, rxcui, text, "active");
  }

  private static String order(String patient, String rxcui, String text, String status) {
    return """
        {"resourceType":"MedicationRequest","status":"%s","intent":"order",
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
           "code":"%s","display":"%s"}],"text":"%s"},
         "subject":{"reference":"Patient/%s"}}"""
        .formatted(status, rxcui, text, text, patient);
  }

  /** POSTs a MedicationRequest and returns its new id. */
  private static String post(String body) {
    URI location =
        fhir.post()
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

  /**
   * The DRUG_INTERACTION alerts of the patient on {@code alerts.v1}, read committed: waits up to
   * {@code atMost} for the first, then reads on for a few more seconds so that a duplicate would be
   * seen too.
   */
  private static List<Alert> drugInteractionAlerts(Duration atMost) {
    List<Alert> found = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(services.topic(Topics.ALERTS.name())));
      long deadline = System.nanoTime() + atMost.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize("t", record.value());
          if (alert.getKind() == AlertKind.DRUG_INTERACTION
              && PATIENT.equals(alert.getPatientId())) {
            assertThat(record.key()).isEqualTo(PATIENT);
            found.add(alert);
            quietUntil = Math.min(quietUntil, System.nanoTime() + Duration.ofSeconds(5).toNanos());
          }
        }
      }
    }
    return found;
  }
}
