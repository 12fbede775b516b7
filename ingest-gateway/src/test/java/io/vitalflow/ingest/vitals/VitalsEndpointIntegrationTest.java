package io.vitalflow.ingest.vitals;

import static io.vitalflow.ingest.vitals.Payloads.bloodPressurePanel;
import static io.vitalflow.ingest.vitals.Payloads.bundle;
import static io.vitalflow.ingest.vitals.Payloads.heartRate;
import static io.vitalflow.ingest.vitals.Payloads.observation;
import static io.vitalflow.ingest.vitals.Payloads.patient;
import static io.vitalflow.ingest.vitals.Payloads.reading;
import static io.vitalflow.ingest.vitals.Payloads.recently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vitalflow.ingest.IngestGatewayApplication;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.VitalSign;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** The endpoint against the real local broker: what is answered, and what lands on the topic. */
@SpringBootTest(
    classes = IngestGatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=" + IngestGatewayApplication.CONFIG_NAME,
      "vitalflow.ingest.max-body-size=256KB",
      "vitalflow.ingest.max-batch-size=1000"
    })
@AutoConfigureWebTestClient
class VitalsEndpointIntegrationTest {

  private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
  private static final String TOPIC_PREFIX = LocalStack.shared().freshTopicPrefix();
  private static RawTopic topic;

  @Autowired private WebTestClient client;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.shared().kafkaBootstrap());
    registry.add("vitalflow.ingest.topic-prefix", () -> TOPIC_PREFIX);
  }

  @BeforeAll
  static void openTopic() {
    topic = new RawTopic(LocalStack.shared().kafkaBootstrap(), TOPIC_PREFIX);
  }

  @AfterAll
  static void closeTopic() {
    topic.close();
  }

  @Test
  void jsonArrayIsStoredNormalisedAndKeyedByPatient() {
    String patient = patient();
    String time = recently();
    String body =
        "["
            + reading("r1-" + patient, patient, "8867-4", 72, "{beats}/min", time)
            + ","
            + reading("r2-" + patient, patient, "59408-5", 97, "%", time)
            + ","
            + reading("r3-" + patient, patient, "8310-5", 98.6, "[degF]", time)
            + "]";

    post(MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody()
        .json("{\"accepted\":3,\"rejected\":[]}");

    List<VitalSign> stored = values(topic.await(Set.of(patient), 3));
    assertThat(stored)
        .extracting(
            VitalSign::getReadingId, VitalSign::getCode, VitalSign::getValue, VitalSign::getUnit)
        .containsExactlyInAnyOrder(
            tuple("r1-" + patient, "8867-4", 72.0, "/min"),
            tuple("r2-" + patient, "59408-5", 97.0, "%"),
            tuple("r3-" + patient, "8310-5", 37.0, "Cel"));
    assertThat(stored)
        .allSatisfy(
            sign -> {
              assertThat(sign.getPatientId()).isEqualTo(patient);
              assertThat(sign.getDeviceId()).isEqualTo("monitor-7");
              assertThat(sign.getEffectiveTime()).isEqualTo(Instant.parse(time));
              assertThat(sign.getReceivedTime())
                  .isBetween(Instant.now().minusSeconds(60), Instant.now());
            });
  }

  @Test
  void oneReadingObjectWithoutIdGetsAGeneratedId() {
    String patient = patient();
    String body =
        "{\"patientId\":\""
            + patient
            + "\",\"deviceId\":\"d1\",\"code\":\"9279-1\",\"value\":16,"
            + "\"unit\":\"{breaths}/min\",\"effectiveTime\":\""
            + recently()
            + "\",\"extra\":{\"ignored\":[1,2]}}";

    post(MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(1);

    VitalSign stored = values(topic.await(Set.of(patient), 1)).get(0);
    assertThat(stored.getReadingId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(stored.getUnit()).isEqualTo("/min");
  }

  @Test
  void ndjsonRejectsOnlyTheBrokenLine() {
    String first = patient();
    String second = patient();
    String body =
        heartRate(first, 80)
            + "\n"
            + heartRate(second, 81)
            + "\r\n\n"
            + "{\"patientId\": \"broken\n"
            + heartRate(first, 82)
            + "\n";

    post(MediaType.APPLICATION_NDJSON, body)
        .expectStatus()
        .isEqualTo(207)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(3)
        .jsonPath("$.rejected.length()")
        .isEqualTo(1)
        .jsonPath("$.rejected[0].index")
        .isEqualTo(2)
        .jsonPath("$.rejected[0].code")
        .isEqualTo("malformed");

    List<ConsumerRecord<String, VitalSign>> stored = topic.await(Set.of(first, second), 3);
    assertThat(stored)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(first, second, first);
    // one patient's readings stay in order on one partition
    List<ConsumerRecord<String, VitalSign>> firsts =
        stored.stream().filter(r -> r.key().equals(first)).toList();
    assertThat(firsts)
        .extracting(ConsumerRecord::partition)
        .containsOnly(firsts.get(0).partition());
    assertThat(firsts).extracting(r -> r.value().getValue()).containsExactly(80.0, 82.0);
  }

  @Test
  void fhirObservationBecomesAReading() {
    String patient = patient();
    String body = observation("obs-" + patient, patient, "8867-4", 64, "/min", recently());

    post(FHIR_JSON, body)
        .expectStatus()
        .isOk()
        .expectBody()
        .json("{\"accepted\":1,\"rejected\":[]}");

    VitalSign stored = values(topic.await(Set.of(patient), 1)).get(0);
    assertThat(stored.getReadingId()).isEqualTo("obs-" + patient);
    assertThat(stored.getDeviceId()).isEqualTo("monitor-7");
    assertThat(stored.getCode()).isEqualTo("8867-4");
    assertThat(stored.getValue()).isEqualTo(64.0);
  }

  @Test
  void bloodPressurePanelIsSplitIntoSystolicAndDiastolic() {
    String patient = patient();
    String body = bloodPressurePanel("bp-" + patient, patient, 120, 80, "mm[Hg]", recently());

    post(FHIR_JSON, body).expectStatus().isOk().expectBody().jsonPath("$.accepted").isEqualTo(2);

    List<VitalSign> stored = values(topic.await(Set.of(patient), 2));
    assertThat(stored)
        .extracting(VitalSign::getReadingId, VitalSign::getCode, VitalSign::getValue)
        .containsExactlyInAnyOrder(
            tuple("bp-" + patient + "-8480-6", "8480-6", 120.0),
            tuple("bp-" + patient + "-8462-4", "8462-4", 80.0));
    assertThat(stored).extracting(VitalSign::getDeviceId).containsOnly("cuff-2");
  }

  @Test
  void bundleTakesEveryObservationAndRejectsOtherResourcesByEntry() {
    String patient = patient();
    String body =
        bundle(
            observation("hr-" + patient, patient, "8867-4", 70, "/min", recently()),
            bloodPressurePanel("bp-" + patient, patient, 16, 10.6, "kPa", recently()),
            "{\"resourceType\":\"Patient\",\"id\":\"x\"}",
            observation("t-" + patient, patient, "8310-5", 310.15, "K", recently()));

    post(FHIR_JSON, body)
        .expectStatus()
        .isEqualTo(207)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(4)
        .jsonPath("$.rejected.length()")
        .isEqualTo(1)
        .jsonPath("$.rejected[0].index")
        .isEqualTo(2)
        .jsonPath("$.rejected[0].field")
        .isEqualTo("resourceType")
        .jsonPath("$.rejected[0].code")
        .isEqualTo("unsupported_resource");

    List<VitalSign> stored = values(topic.await(Set.of(patient), 4));
    assertThat(stored)
        .extracting(VitalSign::getCode, VitalSign::getValue, VitalSign::getUnit)
        .containsExactlyInAnyOrder(
            tuple("8867-4", 70.0, "/min"),
            tuple("8480-6", 120.01, "mm[Hg]"),
            tuple("8462-4", 79.51, "mm[Hg]"),
            tuple("8310-5", 37.0, "Cel"));
  }

  @Test
  void badReadingsAreReportedByIndexAndTheGoodOnesStored() {
    String patient = patient();
    String now = recently();
    String body =
        "["
            + String.join(
                ",",
                reading("a-" + patient, patient, "8867-4", 75, "/min", now),
                reading("b-" + patient, patient, "1234-5", 75, "/min", now),
                reading("c-" + patient, patient, "8867-4", 75, "mm[Hg]", now),
                reading("d-" + patient, patient, "8867-4", 400, "/min", now),
                reading(
                    "e-" + patient,
                    patient,
                    "8867-4",
                    75,
                    "/min",
                    Instant.now().plus(Duration.ofHours(1)).toString()),
                reading(
                    "f-" + patient,
                    patient,
                    "8867-4",
                    75,
                    "/min",
                    Instant.now().minus(Duration.ofDays(8)).toString()),
                "{\"deviceId\":\"d\",\"code\":\"8867-4\",\"value\":75,\"unit\":\"/min\",\"effectiveTime\":\""
                    + now
                    + "\"}",
                "{\"patientId\":\""
                    + patient
                    + "\",\"deviceId\":\"d\",\"code\":\"8867-4\",\"value\":\"75\"}",
                "42",
                reading("j-" + patient, patient, "8310-5", 37.2, "Cel", now))
            + "]";

    post(MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isEqualTo(207)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(2)
        .jsonPath("$.rejected[*].index")
        .isEqualTo(List.of(1, 2, 3, 4, 5, 6, 7, 8))
        .jsonPath("$.rejected[*].field")
        .isEqualTo(
            List.of(
                "code",
                "unit",
                "value",
                "effectiveTime",
                "effectiveTime",
                "patientId",
                "value",
                ""))
        .jsonPath("$.rejected[*].code")
        .isEqualTo(
            List.of(
                "unknown_code",
                "incompatible_unit",
                "implausible_value",
                "in_future",
                "too_old",
                "missing_field",
                "wrong_type",
                "malformed"))
        .jsonPath("$.rejected[3].reason")
        .value(reason -> assertThat((String) reason).contains("future"));

    assertThat(values(topic.await(Set.of(patient), 2)))
        .extracting(VitalSign::getReadingId)
        .containsExactlyInAnyOrder("a-" + patient, "j-" + patient);
  }

  @Test
  void allRejectedIs422ProblemDetailsAndNothingIsStored() {
    String patient = patient();
    String body =
        "["
            + reading("x-" + patient, patient, "8867-4", -5, "/min", recently())
            + ","
            + reading("y-" + patient, patient, "8310-5", 37, "[degC]", recently())
            + "]";

    post(MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isEqualTo(422)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(422)
        .jsonPath("$.title")
        .isNotEmpty()
        .jsonPath("$.accepted")
        .isEqualTo(0)
        .jsonPath("$.rejected[0].index")
        .isEqualTo(0)
        .jsonPath("$.rejected[0].code")
        .isEqualTo("implausible_value")
        .jsonPath("$.rejected[1].index")
        .isEqualTo(1)
        .jsonPath("$.rejected[1].code")
        .isEqualTo("incompatible_unit");

    assertThat(topic.await(Set.of(patient), 0)).isEmpty();
  }

  @Test
  void malformedJsonIs400ProblemDetails() {
    post(MediaType.APPLICATION_JSON, "[{\"patientId\": ")
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(400)
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).startsWith("Malformed JSON"));
    post(FHIR_JSON, "{\"resourceType\":\"Observation\",\"status\":7")
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void emptyBatchIs400() {
    post(MediaType.APPLICATION_JSON, "[]")
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("The batch holds no readings.");
    post(MediaType.APPLICATION_NDJSON, "\n\n").expectStatus().isBadRequest();
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_JSON)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void bodyOverTheLimitIs413WithOrWithoutContentLength() {
    String patient = patient();
    String line = heartRate(patient, 70) + "\n";
    String big = line.repeat(256 * 1024 / line.length() + 1);
    post(MediaType.APPLICATION_NDJSON, big)
        .expectStatus()
        .isEqualTo(413)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);

    byte[] chunk = line.repeat(100).getBytes(StandardCharsets.UTF_8);
    Flux<DataBuffer> chunked =
        Flux.range(0, 256 * 1024 / chunk.length + 2)
            .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk));
    client
        .post()
        .uri(VitalsController.PATH)
        .contentType(MediaType.APPLICATION_NDJSON)
        .body(chunked, DataBuffer.class)
        .exchange()
        .expectStatus()
        .isEqualTo(413);

    assertThat(topic.await(Set.of(patient), 0)).isEmpty();
  }

  @Test
  void moreReadingsThanTheBatchLimitIs413() {
    String patient = patient();
    String body =
        IntStream.range(0, 1001)
            .mapToObj(i -> "{\"patientId\":\"" + patient + "\"}")
            .collect(Collectors.joining(",", "[", "]"));
    post(MediaType.APPLICATION_JSON, body)
        .expectStatus()
        .isEqualTo(413)
        .expectBody()
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).contains("1000"));
  }

  @Test
  void otherContentTypesAre415() {
    post(MediaType.TEXT_PLAIN, heartRate(patient(), 70))
        .expectStatus()
        .isEqualTo(415)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    post(MediaType.APPLICATION_XML, "<Observation/>").expectStatus().isEqualTo(415);
  }

  @Test
  void aDuplicatedKeyIs400NamingTheKeyAndNothingIsStored() {
    String first = patient();
    String second = patient();
    String reading = reading("dup-" + first, first, "8867-4", 72, "/min", recently());
    String twoPatients = reading.replaceFirst("\\{", "{\"patientId\":\"" + second + "\",");

    post(MediaType.APPLICATION_JSON, "[" + twoPatients + "]")
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.duplicateKey")
        .isEqualTo("patientId")
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).startsWith("Duplicate key \"patientId\""));
    post(MediaType.APPLICATION_NDJSON, reading + "\n" + twoPatients + "\n")
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.duplicateKey")
        .isEqualTo("patientId");
    String observation = observation("obs-dup-" + first, first, "8867-4", 64, "/min", recently());
    post(
            FHIR_JSON,
            observation.replaceFirst(
                "\"subject\"",
                "\"subject\":{\"reference\":\"Patient/" + second + "\"},\"subject\""))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.duplicateKey")
        .isEqualTo("subject");

    assertThat(topic.await(Set.of(first, second), 0)).isEmpty();
  }

  @Test
  void aGzipBodyIsInflatedAndStored() {
    String patient = patient();
    String body = "[" + heartRate(patient, 70) + "," + heartRate(patient, 71) + "]";

    postEncoded(MediaType.APPLICATION_JSON, "gzip", gzip(body.getBytes(StandardCharsets.UTF_8)))
        .expectStatus()
        .isOk()
        .expectBody()
        .json("{\"accepted\":2,\"rejected\":[]}");

    assertThat(values(topic.await(Set.of(patient), 2)))
        .extracting(VitalSign::getValue)
        .containsExactly(70.0, 71.0);
  }

  @Test
  void aGzipBodyThatInflatesBeyondTheLimitIs413() {
    String patient = patient();
    String line = heartRate(patient, 70) + "\n";
    byte[] inflated = line.repeat(256 * 1024 / line.length() + 1).getBytes(StandardCharsets.UTF_8);
    byte[] compressed = gzip(inflated);
    assertThat(compressed.length)
        .as("the compressed body alone is within the limit")
        .isLessThan(256 * 1024);

    postEncoded(MediaType.APPLICATION_NDJSON, "gzip", compressed)
        .expectStatus()
        .isEqualTo(413)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).contains("inflates"));
    assertThat(topic.await(Set.of(patient), 0)).isEmpty();
  }

  @Test
  void aCorruptGzipBodyIs400NamingGzip() {
    byte[] compressed = gzip(heartRate(patient(), 70).getBytes(StandardCharsets.UTF_8));
    byte[] truncated = Arrays.copyOf(compressed, compressed.length - 6);
    postEncoded(MediaType.APPLICATION_JSON, "gzip", truncated)
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).contains("gzip"));
    postEncoded(
            MediaType.APPLICATION_JSON,
            "gzip",
            heartRate(patient(), 70).getBytes(StandardCharsets.UTF_8))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(detail -> assertThat((String) detail).contains("gzip"));
  }

  @Test
  void otherContentEncodingsAre415WithAcceptEncoding() {
    for (String encoding : new String[] {"br", "deflate", "gzip, br"}) {
      postEncoded(
              MediaType.APPLICATION_JSON,
              encoding,
              heartRate(patient(), 70).getBytes(StandardCharsets.UTF_8))
          .expectStatus()
          .isEqualTo(415)
          .expectHeader()
          .valueEquals("Accept-Encoding", "gzip")
          .expectHeader()
          .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.detail")
          .value(
              detail ->
                  assertThat((String) detail)
                      .startsWith("Content-Encoding '" + encoding + "' is not supported"));
    }
  }

  @Test
  void prometheusEndpointShowsTheIngestMeters() {
    String patient = patient();
    post(
            MediaType.APPLICATION_JSON,
            "["
                + heartRate(patient, 70)
                + ","
                + reading("z", patient, "0000-0", 1, "/min", recently())
                + "]")
        .expectStatus()
        .isEqualTo(207);

    String metrics =
        client
            .get()
            .uri("/actuator/prometheus")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();

    assertThat(metrics)
        .containsPattern("(?m)^vitalflow_ingest_readings_accepted_total(\\{[^}]*})? [1-9]")
        .containsPattern(
            "(?m)^vitalflow_ingest_readings_rejected_total\\{[^}]*reason=\"unknown_code\"[^}]*} [1-9]")
        .containsPattern(
            "(?m)^vitalflow_ingest_produce_latency_seconds_count\\{[^}]*outcome=\"success\"[^}]*} [1-9]")
        .containsPattern("(?m)^vitalflow_ingest_batch_size_readings_count(\\{[^}]*})? [1-9]");
  }

  private WebTestClient.ResponseSpec post(MediaType type, String body) {
    return client.post().uri(VitalsController.PATH).contentType(type).bodyValue(body).exchange();
  }

  private WebTestClient.ResponseSpec postEncoded(MediaType type, String encoding, byte[] body) {
    return client
        .post()
        .uri(VitalsController.PATH)
        .contentType(type)
        .header("Content-Encoding", encoding)
        .bodyValue(body)
        .exchange();
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<VitalSign> values(List<ConsumerRecord<String, VitalSign>> records) {
    return records.stream()
        .sorted(Comparator.comparingLong(ConsumerRecord::offset))
        .map(ConsumerRecord::value)
        .toList();
  }
}
