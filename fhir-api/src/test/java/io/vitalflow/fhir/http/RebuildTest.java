package io.vitalflow.fhir.http;

import static io.vitalflow.fhir.http.FhirHttp.header;
import static io.vitalflow.fhir.http.FhirHttp.json;
import static io.vitalflow.fhir.http.FhirHttp.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalflow.kafka.StreamsRunner;
import io.vitalflow.local.LocalStack;
import io.vitalflow.schemas.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL projection is a pure function of {@code fhir.resources.v1}: a second instance on
 * an empty database, the same topics and another application id (so another projection consumer
 * group) replays the topic and answers every read exactly as the first one does, versions,
 * timestamps, history and searches included. The second instance runs without a command processor
 * ({@code vitalflow.fhir.command-processor-enabled=false}): a processor under a new application id
 * would decide every old command again and write each version a second time.
 */
class RebuildTest {

  private static FhirServer primary;
  private static FhirHttp http;
  private static FhirServer replica;

  @BeforeAll
  static void start() throws Exception {
    primary = FhirServer.start("fhir_rebuild");
    http = new FhirHttp(primary.base);
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.close();
    }
    primary.close();
  }

  private static Patient patient(String family, String identifier) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Re");
    patient.addIdentifier().setSystem("urn:rebuild").setValue(identifier);
    return patient;
  }

  private static HttpResponse<String> ok(HttpResponse<String> response, int status) {
    assertThat(response.statusCode())
        .as("%s %s: %s", response.request().method(), response.request().uri(), response.body())
        .isEqualTo(status);
    return response;
  }

  /**
   * What a read answers, with the server's base URL taken out (the two servers listen on different
   * ports).
   */
  record Answer(int status, String etag, String lastModified, String body) {
    static Answer of(HttpResponse<String> response, String base) {
      return new Answer(
          response.statusCode(),
          header(response, "ETag"),
          header(response, "Last-Modified"),
          response.body().replace(base, "{base}"));
    }
  }

  private static Map<String, Answer> read(FhirHttp client, List<String> paths) {
    Map<String, Answer> answers = new LinkedHashMap<>();
    for (String path : paths) {
      answers.put(path, Answer.of(client.get(path), client.base()));
    }
    return answers;
  }

  @Test
  void aReplicaOnAnEmptyDatabaseRebuildsTheSameStateFromTheResourcesTopic() throws Exception {
    // writes on the primary: creates, updates, a conditional create, deletes, a revival, a rejected
    // update
    String p1 =
        parse(Patient.class, ok(http.post("/Patient", json(patient("Rebuild", "1"))), 201))
            .getIdElement()
            .getIdPart();
    ok(http.put("/Patient/" + p1, json(patient("Rebuild", "1").setId(p1))), 200);
    Patient third = patient("Rebuild", "1");
    third.addName().setFamily("Rebuilt").addGiven("Again");
    ok(http.put("/Patient/" + p1, json(third.setId(p1)), "If-Match", "W/\"2\""), 200);
    ok(
        http.put("/Patient/" + p1, json(patient("Stale", "1").setId(p1)), "If-Match", "W/\"2\""),
        412);
    ok(http.put("/Patient/rebuild-2", json(patient("Rebuild", "2").setId("rebuild-2"))), 201);
    ok(http.delete("/Patient/rebuild-2"), 200);
    ok(http.put("/Patient/rebuild-3", json(patient("Rebuild", "3").setId("rebuild-3"))), 201);
    ok(http.delete("/Patient/rebuild-3"), 200);
    ok(http.put("/Patient/rebuild-3", json(patient("Revived", "3").setId("rebuild-3"))), 200);
    String c4 =
        parse(
                Patient.class,
                ok(
                    http.post(
                        "/Patient",
                        json(patient("Rebuild", "4")),
                        "If-None-Exist",
                        "identifier=urn:rebuild|4"),
                    201))
            .getIdElement()
            .getIdPart();
    ok(
        http.post(
            "/Patient", json(patient("Rebuild", "4")), "If-None-Exist", "identifier=urn:rebuild|4"),
        200);
    Observation glucose = new Observation();
    glucose.setStatus(Observation.ObservationStatus.FINAL);
    glucose
        .addCategory()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
        .setCode("laboratory");
    glucose.getCode().addCoding().setSystem("http://loinc.org").setCode("2339-0");
    glucose.setSubject(new Reference("Patient/" + p1));
    glucose.getValueQuantity().setValue(new java.math.BigDecimal("5.40")).setUnit("mmol/L");
    String o1 =
        parse(Observation.class, ok(http.post("/Observation", json(glucose)), 201))
            .getIdElement()
            .getIdPart();
    int versions = 3 + 2 + 3 + 1 + 1;

    List<String> paths =
        List.of(
            "/Patient/" + p1,
            "/Patient/" + p1 + "/_history/1",
            "/Patient/" + p1 + "/_history/3",
            "/Patient/" + p1 + "/_history",
            "/Patient/rebuild-2",
            "/Patient/rebuild-2/_history/1",
            "/Patient/rebuild-2/_history/2",
            "/Patient/rebuild-2/_history",
            "/Patient/rebuild-3",
            "/Patient/rebuild-3/_history",
            "/Patient/" + c4,
            "/Observation/" + o1,
            "/Patient?family=rebuild",
            "/Patient?family=rebuilt",
            "/Patient?identifier=urn:rebuild%7C4",
            "/Patient?identifier=urn:rebuild%7C2",
            "/Observation?subject=Patient/" + p1 + "&_include=Observation:subject",
            "/Observation?code=2339-0",
            "/Patient/_history",
            "/Observation/_history",
            "/Patient?_sort=-_lastUpdated&_count=2");
    Map<String, Answer> expected = read(http, paths);
    assertThat(expected.get("/Patient/rebuild-2").status()).isEqualTo(410);
    assertThat(parse(Patient.class, http.get("/Patient/" + p1)).getMeta().getVersionId())
        .isEqualTo("3");
    assertThat(parse(Bundle.class, http.get("/Patient?family=rebuild")).getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrder(p1, c4);
    assertThat(parse(Bundle.class, http.get("/Patient/_history")).getEntry()).hasSize(versions - 1);

    // the replica: fresh database, same topics, another application id, no command processor
    replica =
        FhirServer.start(
            LocalStack.shared().freshDatabase("fhir_rebuild_replica"),
            primary.topicPrefix,
            "replica",
            "--vitalflow.fhir.command-processor-enabled=false");
    assertThat(replica.app.getBeansOfType(StreamsRunner.class))
        .as("command processors of the replica")
        .isEmpty();
    assertThat(primary.app.getBeansOfType(StreamsRunner.class)).hasSize(1);
    FhirHttp replicaHttp = new FhirHttp(replica.base);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(read(replicaHttp, paths)).isEqualTo(expected));
    assertThat(read(http, paths)).as("the primary is unchanged").isEqualTo(expected);

    // the replica still takes writes: the primary's processor decides them, both projections show
    // them
    HttpResponse<String> viaReplica =
        ok(
            replicaHttp.put("/Patient/rebuild-5", json(patient("Replica", "5").setId("rebuild-5"))),
            201);
    Answer onReplica = Answer.of(replicaHttp.get("/Patient/rebuild-5"), replica.base);
    assertThat(onReplica.status()).isEqualTo(200);
    assertThat(onReplica.etag()).isEqualTo(header(viaReplica, "ETag"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Answer.of(http.get("/Patient/rebuild-5"), primary.base))
                    .isEqualTo(onReplica));

    // every version was decided once: nobody re-applied old commands
    assertThat(committedRecords(primary.topicPrefix + Topics.FHIR_RESOURCES.name()))
        .isEqualTo(versions + 1);
  }

  /**
   * Committed records of a topic (transaction markers take offsets too, so offsets do not count
   * them).
   */
  private static long committedRecords(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.shared().kafkaBootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }
}
