package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.RiskBand;
import io.vitalflow.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The vitals path on a real broker and a real PostgreSQL: readings posted over HTTP become rows,
 * window aggregates and NEWS2 alerts, and can be read back; poison records are dead-lettered
 * without stopping it.
 */
class VitalsPathEndToEndTest {

  private static RunningServices services;
  private static WebTestClient ingest;
  private static WebTestClient reads;
  private static final Instant MINUTE =
      Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.MINUTES);

  @BeforeAll
  static void start() throws Exception {
    services = new RunningServices("e2e").startAll();
    // security on: the gateway's scope for readings, FHIR reads and writes for the rest
    ingest = services.client(services.ingestPort, "system/Observation.c");
    reads = services.client(services.fhirPort);
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  @Test
  void postedReadingsBecomeRowsAggregatesAndLatestValues() {
    String body =
        """
        [
          {"patientId":"e2e-1","deviceId":"m1","code":"8867-4","value":60,"unit":"/min","effectiveTime":"%1$s"},
          {"patientId":"e2e-1","deviceId":"m1","code":"8867-4","value":80,"unit":"/min","effectiveTime":"%3$s"},
          {"patientId":"e2e-1","deviceId":"m1","code":"8867-4","value":70,"unit":"{beats}/min","effectiveTime":"%2$s"},
          {"patientId":"e2e-1","deviceId":"m1","code":"8310-5","value":98.6,"unit":"[degF]","effectiveTime":"%2$s"},
          {"patientId":"e2e-1","deviceId":"m1","code":"8867-4","value":900,"unit":"/min","effectiveTime":"%2$s"},
          {"patientId":"e2e-2","deviceId":"m2","code":"59408-5","value":97,"unit":"%%","effectiveTime":"%2$s"}
        ]"""
            .formatted(MINUTE.plusSeconds(5), MINUTE.plusSeconds(15), MINUTE.plusSeconds(25));

    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isEqualTo(207)
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(5)
        .jsonPath("$.rejected[0].index")
        .isEqualTo(4);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(
                      Db.count(
                          services.database,
                          "select count(*) from vital_reading where patient_id like 'e2e-%'"))
                  .isEqualTo(5);
              assertThat(
                      Db.count(
                          services.database,
                          """
          select count from vital_aggregate_1m where patient_id = 'e2e-1' and code = '8867-4'
             and window_start = '%s'"""
                              .formatted(MINUTE)))
                  .isEqualTo(3);
            });
    String minuteRow =
        "from vital_aggregate_1m where patient_id = 'e2e-1' and code = '8867-4' and window_start = '"
            + MINUTE
            + "'";
    assertThat(Db.number(services.database, "select min " + minuteRow)).isEqualTo(60.0);
    assertThat(Db.number(services.database, "select max " + minuteRow)).isEqualTo(80.0);
    assertThat(Db.number(services.database, "select mean " + minuteRow)).isEqualTo(70.0);
    assertThat(Db.number(services.database, "select last " + minuteRow))
        .as("value of the latest effective time")
        .isEqualTo(80.0);
    assertThat(
            Db.number(
                services.database,
                "select value from vital_reading where patient_id = 'e2e-1' and code = '8310-5'"))
        .isCloseTo(37.0, org.assertj.core.data.Offset.offset(0.01));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Db.count(
                        services.database,
                        "select sum(count) from vital_aggregate_1h where patient_id = 'e2e-1' and code = '8867-4'")
                    == 3);

    reads
        .get()
        .uri("/api/v1/patients/e2e-1/vitals/latest")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[?(@.code == '8867-4')].value")
        .isEqualTo(80.0)
        .jsonPath("$[?(@.code == '8310-5')].unit")
        .isEqualTo("Cel");
  }

  /**
   * One reading, one truth: a device reading and a vital-sign Observation written through the FHIR
   * API both land in the vitals table and come back from the same FHIR search and {@code $lastn}.
   */
  @Test
  void deviceReadingsAndFhirWrittenVitalSignsAreOneSetOfObservations() {
    Instant effective = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            """
        [{"patientId":"fhir-e2e","deviceId":"m9","code":"8867-4","value":71,"unit":"/min","effectiveTime":"%s"}]"""
                .formatted(effective))
        .exchange()
        .expectStatus()
        .isOk();
    reads
        .post()
        .uri("/fhir/Observation")
        .contentType(MediaType.parseMediaType("application/fhir+json"))
        .bodyValue(
            """
            {"resourceType":"Observation","status":"final",
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"59408-5"}]},
             "subject":{"reference":"Patient/fhir-e2e"},"effectiveDateTime":"%s",
             "valueQuantity":{"value":96,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"}}"""
                .formatted(effective))
        .exchange()
        .expectStatus()
        .isCreated();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                reads
                    .get()
                    .uri("/fhir/Observation?patient=fhir-e2e&category=vital-signs")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(2)
                    .jsonPath(
                        "$.entry[?(@.resource.code.coding[0].code == '8867-4')].resource.valueQuantity.value")
                    .isEqualTo(71)
                    .jsonPath(
                        "$.entry[?(@.resource.code.coding[0].code == '59408-5')].resource.valueQuantity.value")
                    .isEqualTo(96));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                reads
                    .get()
                    .uri("/fhir/Observation/$lastn?patient=fhir-e2e&category=vital-signs")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.entry.length()")
                    .isEqualTo(2));
  }

  /**
   * Vital signs, one truth (issue 16): device readings (recent and back-filled two days ago, which
   * the stream does not aggregate) and Observations written through the FHIR API (recent, years
   * old, date-only, body weight) are all found by the vital-signs search, paged as one list newest
   * first, and by {@code $lastn}; an API-written Observation keeps the id it was created with.
   */
  @Test
  void everyVitalSignIsFoundWhateverItsSourceAgeOrPrecision() {
    Instant recent = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(40);
    Instant backFilled = recent.minus(2, ChronoUnit.DAYS);
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            "["
                + reading("truth-1", "8867-4", 72, "/min", recent)
                + ","
                + reading("truth-2", "8867-4", 64, "/min", backFilled)
                + "]")
        .exchange()
        .expectStatus()
        .isOk();
    String spo2 = create(vitalSign("59408-5", recent.minusSeconds(10).toString(), 95, "%"));
    String weight = create(vitalSign("29463-7", "2019-05-01", 71.5, "kg"));
    String oldHeartRate = create(vitalSign("8867-4", "2020-01-01T10:00:00Z", 88, "/min"));

    // the recent SpO2 also became a reading: wait for it, then it must not show twice
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Db.count(
                        services.database,
                        "select count(*) from vital_reading where patient_id in ('truth-1', 'truth-2')")
                    == 3);
    List<String> all =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> ids("/fhir/Observation?patient=truth-1&category=vital-signs"),
                ids -> ids.size() == 4);
    assertThat(all.get(0)).as("newest first: the device reading").startsWith("vs-");
    assertThat(all.subList(1, 4))
        .as("the API-written Observations under the ids they were created with, by date")
        .containsExactly(spo2, oldHeartRate, weight);
    List<String> paged = new ArrayList<>();
    String next = "/fhir/Observation?patient=truth-1&category=vital-signs&_count=3";
    Bundle first = bundle(next);
    first.getEntry().forEach(entry -> paged.add(entry.getResource().getIdPart()));
    assertThat(first.getLink("next")).as("a second page").isNotNull();
    Bundle second = bundle(first.getLink("next").getUrl().replaceFirst("^https?://[^/]+", ""));
    second.getEntry().forEach(entry -> paged.add(entry.getResource().getIdPart()));
    assertThat(paged).isEqualTo(all);
    assertThat(ids("/fhir/Observation?patient=truth-1&category=vital-signs&_sort=date"))
        .containsExactly(weight, oldHeartRate, spo2, all.get(0));
    assertThat(ids("/fhir/Observation?patient=truth-1&category=vital-signs&date=2019-05-01"))
        .as("a date-only Observation, found by its day")
        .containsExactly(weight);
    assertThat(ids("/fhir/Observation?patient=truth-1&category=vital-signs&code=29463-7"))
        .containsExactly(weight);

    Bundle trimmed =
        bundle("/fhir/Observation?patient=truth-1&category=vital-signs&_elements=code");
    assertThat(trimmed.getEntry())
        .as("_elements applies to both parts")
        .hasSize(4)
        .allSatisfy(
            entry -> {
              Observation observation = (Observation) entry.getResource();
              assertThat(observation.hasCode()).isTrue();
              assertThat(observation.hasValue()).isFalse();
            });
    Bundle counted =
        bundle("/fhir/Observation?patient=truth-1&category=vital-signs&_summary=count");
    assertThat(counted.getEntry()).isEmpty();
    assertThat(counted.getTotal()).as("_summary=count counts both parts").isEqualTo(4);

    assertThat(ids("/fhir/Observation/$lastn?patient=truth-1&category=vital-signs"))
        .as("newest per code: weight, SpO2, heart rate (the device's)")
        .containsExactlyInAnyOrder(weight, spo2, all.get(0));
    assertThat(ids("/fhir/Observation/$lastn?patient=truth-1&code=8867-4&max=5"))
        .containsExactly(all.get(0), oldHeartRate);
    assertThat(
            ids("/fhir/Observation/$lastn?patient=truth-1&code=http://loinc.org|29463-7,59408-5"))
        .containsExactlyInAnyOrder(weight, spo2);
    List<String> onlyBackFilled = ids("/fhir/Observation/$lastn?patient=truth-2");
    assertThat(onlyBackFilled).as("a patient with only a back-filled reading").hasSize(1);
    assertThat(ids("/fhir/Observation?patient=truth-2&category=vital-signs"))
        .isEqualTo(onlyBackFilled);
    reads.get().uri("/fhir/Observation/" + onlyBackFilled.get(0)).exchange().expectStatus().isOk();
  }

  /** A vital-signs Observation of patient truth-1 as JSON. */
  private static String vitalSign(String loinc, String effective, double value, String unit) {
    return """
        {"resourceType":"Observation","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},
         "subject":{"reference":"Patient/truth-1"},"effectiveDateTime":"%s",
         "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}"""
        .formatted(loinc, effective, value, unit, unit);
  }

  /** Creates a resource through the FHIR API and answers its id. */
  private static String create(String json) {
    String location =
        reads
            .post()
            .uri("/fhir/Observation")
            .contentType(MediaType.parseMediaType("application/fhir+json"))
            .bodyValue(json)
            .exchange()
            .expectStatus()
            .isCreated()
            .returnResult(String.class)
            .getResponseHeaders()
            .getLocation()
            .getPath();
    return location.split("/")[3];
  }

  private static Bundle bundle(String uri) {
    String body =
        reads
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, body);
  }

  private static List<String> ids(String uri) {
    return bundle(uri).getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart())
        .toList();
  }

  /**
   * A client retry (same ids, same times) is acknowledged again but stored once; a new reading
   * beside it is stored.
   */
  @Test
  void aReadingSentAgainIsAcknowledgedAgainAndStoredOnce() {
    Instant effective = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(20);
    String first =
        "["
            + identified("again-1", "again-e2e", 61, effective)
            + ","
            + identified("again-2", "again-e2e", 62, effective.plusSeconds(1))
            + "]";
    String retry =
        "["
            + identified("again-1", "again-e2e", 61, effective)
            + ","
            + identified("again-2", "again-e2e", 99, effective.plusSeconds(1))
            + ","
            + identified("again-3", "again-e2e", 63, effective.plusSeconds(2))
            + "]";

    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(first)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(2);
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(retry)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.accepted")
        .isEqualTo(3);

    // one patient, one partition, in order: once the new reading is stored, the repeats before it
    // were handled
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Db.count(
                        services.database,
                        "select count(*) from vital_reading where patient_id = 'again-e2e' and reading_id = 'again-3'")
                    == 1);
    assertThat(
            Db.count(
                services.database,
                "select count(*) from vital_reading where patient_id = 'again-e2e'"))
        .isEqualTo(3);
    assertThat(
            Db.number(
                services.database,
                "select value from vital_reading where patient_id = 'again-e2e' and reading_id = 'again-2'"))
        .as("the first stored stays")
        .isEqualTo(62.0);
    // the windows count the repeats once too (the first counted stays): once the update with
    // again-3 is stored, every update before it on the patient's partition was
    for (String table : new String[] {"vital_aggregate_1m", "vital_aggregate_1h"}) {
      String rows = " from " + table + " where patient_id = 'again-e2e'";
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Db.count(
                          services.database,
                          "select count(*)"
                              + rows
                              + " and last_time = '"
                              + effective.plusSeconds(2)
                              + "'")
                      == 1);
      assertThat(Db.number(services.database, "select sum(count)" + rows)).isEqualTo(3.0);
      assertThat(Db.number(services.database, "select sum(sum)" + rows)).isEqualTo(186.0);
    }
  }

  @Test
  void theProcessorReportsItsStreamsStateAsHealth() {
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
                    .jsonPath("$.status")
                    .isEqualTo("UP")
                    .jsonPath("$.components.streams.details.state")
                    .isEqualTo("RUNNING"));
  }

  @Test
  void aPoisonRecordIsDeadLetteredAndLaterReadingsStillArrive() {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.stack.kafkaBootstrap()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              services.topic(Topics.VITALS_RAW.name()),
              "poison-1",
              "not avro".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            """
        {"patientId":"poison-1","deviceId":"m9","code":"9279-1","value":16,"unit":"/min","effectiveTime":"%s"}"""
                .formatted(Instant.now().minusSeconds(1)))
        .exchange()
        .expectStatus()
        .is2xxSuccessful();

    List<ConsumerRecord<byte[], byte[]>> deadLetters =
        consume(services.topic(Topics.VITALS_RAW_DLQ.name()), 1);
    assertThat(new String(deadLetters.get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo("not avro");
    assertThat(deadLetters.get(0).headers().lastHeader(Topics.DLQ_HEADER_ERROR)).isNotNull();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Db.count(
                        services.database,
                        "select count(*) from vital_reading where patient_id = 'poison-1'")
                    == 1);
  }

  @Test
  void aDeterioratingPatientRaisesAHighNews2Alert() {
    Instant now = Instant.now().minusSeconds(2);
    String body =
        String.join(
                "\n",
                reading("news-1", "9279-1", 26, "/min", now),
                reading("news-1", "59408-5", 90, "%", now),
                reading("news-1", "8480-6", 88, "mm[Hg]", now),
                reading("news-1", "8867-4", 135, "/min", now),
                reading("news-1", "8310-5", 39.4, "Cel", now))
            + "\n";
    ingest
        .post()
        .uri("/api/v1/vitals")
        .contentType(MediaType.parseMediaType("application/x-ndjson"))
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isOk();

    List<Alert> alerts = new ArrayList<>();
    consumeUntil(
        services.topic(Topics.ALERTS.name()),
        record -> {
          Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize("t", record.value());
          alerts.add(alert);
          return alert.getBand() == RiskBand.HIGH;
        });
    Alert high = alerts.get(alerts.size() - 1);
    assertThat(high.getPatientId()).isEqualTo("news-1");
    assertThat(high.getKind()).isEqualTo(AlertKind.NEWS2_BAND_CHANGE);
    assertThat(high.getNews2Score()).isGreaterThanOrEqualTo(7);
    assertThat(high.getTitle()).doesNotContain("news-1");
  }

  private static String identified(String id, String patient, double value, Instant time) {
    return """
        {"id":"%s","patientId":"%s","deviceId":"m1","code":"8867-4","value":%s,"unit":"/min","effectiveTime":"%s"}"""
        .formatted(id, patient, value, time);
  }

  private static String reading(
      String patient, String code, double value, String unit, Instant time) {
    return """
        {"patientId":"%s","deviceId":"m1","code":"%s","value":%s,"unit":"%s","effectiveTime":"%s"}"""
        .formatted(patient, code, value, unit, time);
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    consumeUntil(
        topic,
        record -> {
          records.add(record);
          return records.size() >= atLeast;
        });
    return records;
  }

  /** Reads {@code topic} from the start until {@code done} accepts a record; fails after 60 s. */
  private static void consumeUntil(String topic, Predicate<ConsumerRecord<byte[], byte[]>> done) {
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
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (done.test(record)) {
            return;
          }
        }
      }
    }
    throw new AssertionError("Expected record not seen on " + topic + " within 60 s");
  }
}
