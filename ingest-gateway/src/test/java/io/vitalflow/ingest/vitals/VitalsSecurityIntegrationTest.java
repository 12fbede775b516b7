package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.bundle;
import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.observation;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static io.vitalflow.ingest.vitals.Payloads.reading;
import static io.vitalflow.ingest.vitals.Payloads.recently;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.local.TestIssuer;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway with security on, against the real broker and tokens signed by {@link TestIssuer} and
 * verified through its JWKS: who may post readings at all.
 */
class VitalsSecurityIntegrationTest {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final String TOPIC_PREFIX = LocalStack.shared().freshTopicPrefix();
  private static final TestIssuer issuer = TestIssuer.shared();

  private static ConfigurableApplicationContext app;
  private static WebTestClient client;
  private static RawTopic topic;

  @BeforeAll
  static void start() {
    List<String> args = new ArrayList<>(List.of(issuer.serviceArgs()));
    args.addAll(
        List.of(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + LocalStack.shared().kafkaBootstrap(),
            "--vitalflow.ingest.topic-prefix=" + TOPIC_PREFIX,
            // TestIssuer's tokens name the client test-client
            "--vitalflow.ingest.devices.test-client=monitor-*,cuff-2",
            "--vitalflow.ingest.devices.fleet=*"));
    app = IngestGatewayApplication.builder().run(args.toArray(String[]::new));
    client =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"))
            .responseTimeout(Duration.ofSeconds(30))
            .build();
    topic = new RawTopic(LocalStack.shared().kafkaBootstrap(), TOPIC_PREFIX);
  }

  @AfterAll
  static void stop() {
    if (topic != null) {
      topic.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void withoutATokenTheAnswerIs401AndNothingIsPublished() {
    String patient = patient();

    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(heartRate(patient, 72))
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer");

    assertThat(topic.await(Set.of(patient), 1)).isEmpty();
  }

  @Test
  void aTokenWithoutObservationCreateForAnyPatientGets403ProblemDetails() throws Exception {
    String patient = patient();
    List<String> tokens =
        List.of(
            issuer.token("system/Observation.rs"),
            issuer.token("system/Patient.c"),
            issuer.token("user/Observation.r vitalflow/ops"),
            // only for its own patient: a device gateway writes for every patient at its beds
            issuer.patientToken(patient, "patient/Observation.c"));

    for (String token : tokens) {
      client
          .post()
          .uri(VitalsController.PATH)
          .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(heartRate(patient, 72))
          .exchange()
          .expectStatus()
          .isForbidden()
          .expectHeader()
          .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectHeader()
          .value(
              HttpHeaders.WWW_AUTHENTICATE,
              header -> assertThat(header).startsWith("Bearer error=\"insufficient_scope\""))
          .expectBody()
          .jsonPath("$.status")
          .isEqualTo(403)
          .jsonPath("$.detail")
          .isEqualTo(VitalsController.FORBIDDEN);
    }

    assertThat(topic.await(Set.of(patient), 1)).isEmpty();
  }

  @Test
  void everyContentTypeIsAcceptedWithAWriteScopeAndEveryRecordNamesTheClient() throws Exception {
    String patient = patient();
    String time = recently();
    List<String> tokens =
        List.of(
            issuer.token("system/Observation.c"),
            issuer.token("system/Observation.cruds"),
            issuer.token("system/*.write"));
    int sent = 0;
    for (String token : tokens) {
      post(token, MediaType.APPLICATION_JSON, "[" + heartRate(patient, 70) + "]")
          .expectStatus()
          .isOk();
      post(
              token,
              MediaType.APPLICATION_NDJSON,
              heartRate(patient, 71) + "\n" + heartRate(patient, 72) + "\n")
          .expectStatus()
          .isOk();
      post(
              token,
              FHIR_JSON,
              bundle(observation("o-" + sent + "-" + patient, patient, "8867-4", 73, "/min", time)))
          .expectStatus()
          .isOk();
      sent += 4;
    }

    List<ConsumerRecord<String, VitalSign>> records = topic.await(Set.of(patient), sent);
    assertThat(records).hasSize(sent);
    assertThat(records)
        .as("every record names the client that sent it")
        .allSatisfy(record -> assertThat(client(record)).isEqualTo("test-client"));
  }

  @Test
  void aJsonReadingWithTheScopeIsPublished() throws Exception {
    String patient = patient();

    post(
            issuer.token("system/Observation.c"),
            MediaType.APPLICATION_JSON,
            reading("r-" + patient, patient, "8867-4", 72, "/min", recently()))
        .expectStatus()
        .isOk()
        .expectBody()
        .json("{\"accepted\":1,\"rejected\":[]}");

    assertThat(topic.await(Set.of(patient), 1)).hasSize(1);
  }

  @Test
  void readingsFromDevicesNotRegisteredToTheClientAreRefusedOneByOneAndTheOthersPublished()
      throws Exception {
    String patient = patient();
    String time = recently();
    String body =
        "["
            + reading("a-" + patient, patient, "8867-4", 72, "/min", time)
            + ","
            + fromDevice("rogue-1", reading("b-" + patient, patient, "8867-4", 73, "/min", time))
            + ","
            + fromDevice("cuff-2", reading("c-" + patient, patient, "8867-4", 74, "/min", time))
            + "]";

    post(issuer.token("system/Observation.c"), MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isEqualTo(207)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(2)
        .jsonPath("$.rejected.length()")
        .isEqualTo(1)
        .jsonPath("$.rejected[0].index")
        .isEqualTo(1)
        .jsonPath("$.rejected[0].field")
        .isEqualTo("deviceId")
        .jsonPath("$.rejected[0].code")
        .isEqualTo("device_not_registered")
        .jsonPath("$.rejected[0].reason")
        .isEqualTo(
            "deviceId rogue-1 is not registered to client test-client; a client sends readings"
                + " only for its own devices");

    List<ConsumerRecord<String, VitalSign>> records = topic.await(Set.of(patient), 2);
    assertThat(records)
        .extracting(record -> record.value().getDeviceId())
        .containsExactlyInAnyOrder("monitor-7", "cuff-2");
    assertThat(records).allSatisfy(record -> assertThat(client(record)).isEqualTo("test-client"));
  }

  @Test
  void aClientWithoutRegisteredDevicesHasEveryItemRefused() throws Exception {
    String patient = patient();
    String token =
        issuer.token(
            c ->
                c.subject("stranger")
                    .claim("client_id", "stranger")
                    .claim("scope", "system/Observation.c"));

    post(
            token,
            MediaType.APPLICATION_NDJSON,
            heartRate(patient, 70) + "\n" + heartRate(patient, 71) + "\n")
        .expectStatus()
        .isEqualTo(422)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(0)
        .jsonPath("$.rejected[0].code")
        .isEqualTo("device_not_registered")
        .jsonPath("$.rejected[1].code")
        .isEqualTo("device_not_registered")
        .jsonPath("$.rejected[1].reason")
        .value(reason -> assertThat((String) reason).contains("monitor-7", "client stranger"));

    assertThat(topic.await(Set.of(patient), 1)).isEmpty();
  }

  @Test
  void aClientRegisteredForEveryDeviceMaySendForAnyOfThem() throws Exception {
    String patient = patient();
    String time = recently();
    String token =
        issuer.token(c -> c.claim("client_id", "fleet").claim("scope", "system/Observation.c"));

    post(
            token,
            FHIR_JSON,
            observation("o-" + patient, patient, "8867-4", 73, "/min", time)
                .replace("Device/monitor-7", "Device/any-device-at-all"))
        .expectStatus()
        .isOk();

    List<ConsumerRecord<String, VitalSign>> records = topic.await(Set.of(patient), 1);
    assertThat(records)
        .extracting(record -> record.value().getDeviceId())
        .containsExactly("any-device-at-all");
    assertThat(client(records.get(0))).isEqualTo("fleet");
  }

  /** The {@code vitalflow.client} header of a record, or null. */
  private static String client(ConsumerRecord<String, VitalSign> record) {
    Header header = record.headers().lastHeader(Topics.HEADER_CLIENT);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String fromDevice(String deviceId, String reading) {
    return reading.replace("\"deviceId\":\"monitor-7\"", "\"deviceId\":\"" + deviceId + "\"");
  }

  private static WebTestClient.ResponseSpec post(String token, MediaType type, String body) {
    return client
        .post()
        .uri(VitalsController.PATH)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .contentType(type)
        .bodyValue(body)
        .exchange();
  }
}
