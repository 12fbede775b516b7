package io.vitalflow.fhir.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirCommandOutcome;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import io.vitalflow.schemas.VitalSign;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FhirCommandTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestOutputTopic<String, FhirResourceVersion> versions;
  private TestOutputTopic<String, FhirCommandOutcome> outcomes;
  private TestOutputTopic<String, VitalSign> vitals;
  private TestOutputTopic<String, byte[]> deadLetters;

  @BeforeEach
  void start() {
    var topology =
        new FhirCommandTopology(
                new FhirCommandTopology.Options(
                    "",
                    version ->
                        version.getResourceType().equals("Observation")
                            ? List.of(
                                VitalSign.newBuilder()
                                    .setReadingId("r")
                                    .setPatientId("p1")
                                    .setDeviceId("fhir-api")
                                    .setCode("8867-4")
                                    .setValue(70)
                                    .setUnit("/min")
                                    .setEffectiveTime(T0)
                                    .setReceivedTime(T0)
                                    .build())
                            : List.of()))
            .build();
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "fhir-commands-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(topology, config, T0);
    commands =
        driver.createInputTopic(
            Topics.FHIR_COMMANDS.name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    versions =
        driver.createOutputTopic(
            Topics.FHIR_RESOURCES.name(),
            Serdes.String().deserializer(),
            Topics.FHIR_RESOURCES.valueSerde().deserializer());
    outcomes =
        driver.createOutputTopic(
            Topics.FHIR_OUTCOMES.name(),
            Serdes.String().deserializer(),
            Topics.FHIR_OUTCOMES.valueSerde().deserializer());
    vitals =
        driver.createOutputTopic(
            Topics.VITALS_RAW.name(),
            Serdes.String().deserializer(),
            Topics.VITALS_RAW.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.FHIR_COMMANDS_DLQ.name(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void createThenUpdatesNumberVersionsAndStampTheJson() {
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    send(command("q2", FhirOperation.UPDATE, "Patient", "a", null, null));
    List<FhirResourceVersion> written = versions.readValuesToList();
    assertThat(written).extracting(FhirResourceVersion::getVersionId).containsExactly(1L, 2L);
    assertThat(written).extracting(FhirResourceVersion::getRequestId).containsExactly("q1", "q2");
    assertThat(written.get(1).getResource())
        .startsWith("{\"resourceType\":\"Patient\",\"id\":\"a\",\"meta\":{\"versionId\":\"2\"")
        .contains("\"lastUpdated\":\"2026-11-27T10:00:00.000Z\"")
        .contains("\"gender\":\"female\"")
        .contains("\"profile\":[\"http://example.org/p\"]");
    assertThat(outcomes.isEmpty()).isTrue();
  }

  @Test
  void ifMatchOnAStaleVersionIsRejectedWithoutANewVersion() {
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    send(command("q2", FhirOperation.UPDATE, "Patient", "a", 1L, null));
    send(command("q3", FhirOperation.UPDATE, "Patient", "a", 1L, null));
    assertThat(versions.readValuesToList())
        .extracting(FhirResourceVersion::getRequestId)
        .containsExactly("q1", "q2");
    FhirCommandOutcome outcome = outcomes.readValue();
    assertThat(outcome.getRequestId()).isEqualTo("q3");
    assertThat(outcome.getStatus()).isEqualTo(412);
    assertThat(outcome.getVersionId()).isEqualTo(2L);
  }

  @Test
  void conditionalCreateOfAnExistingResourceAnswersWithIt() {
    send(command("q1", FhirOperation.CREATE, "Patient", "c1", null, "identifier=s|1"));
    send(command("q2", FhirOperation.CREATE, "Patient", "c1", null, "identifier=s|1"));
    assertThat(versions.readValuesToList()).hasSize(1);
    FhirCommandOutcome outcome = outcomes.readValue();
    assertThat(outcome.getStatus()).isEqualTo(200);
    assertThat(outcome.getVersionId()).isEqualTo(1L);
  }

  @Test
  void aPlainCreateOfAnExistingIdIsAConflict() {
    // 409 is not reachable over REST (a plain create gets a fresh UUID), but the processor must
    // still refuse
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    send(command("q2", FhirOperation.CREATE, "Patient", "a", null, null));
    assertThat(versions.readValuesToList())
        .extracting(FhirResourceVersion::getRequestId)
        .containsExactly("q1");
    FhirCommandOutcome outcome = outcomes.readValue();
    assertThat(outcome.getRequestId()).isEqualTo("q2");
    assertThat(outcome.getStatus()).isEqualTo(409);
    assertThat(outcome.getVersionId()).isEqualTo(1L);
  }

  @Test
  void deleteWritesADeletedVersionOnceAndAnUpdateRevivesIt() {
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    send(command("q2", FhirOperation.DELETE, "Patient", "a", null, null));
    send(command("q3", FhirOperation.DELETE, "Patient", "a", null, null));
    send(command("q4", FhirOperation.UPDATE, "Patient", "a", null, null));
    List<FhirResourceVersion> written = versions.readValuesToList();
    assertThat(written)
        .extracting(FhirResourceVersion::getDeleted)
        .containsExactly(false, true, false);
    assertThat(written.get(1).getResource()).isNull();
    assertThat(written.get(2).getVersionId()).isEqualTo(3L);
    assertThat(outcomes.readValue().getStatus()).isEqualTo(204);
  }

  @Test
  void vitalSignObservationsAlsoFeedTheRawVitalsTopic() {
    send(command("q1", FhirOperation.CREATE, "Observation", "o1", null, null));
    send(command("q2", FhirOperation.CREATE, "Patient", "p1", null, null));
    var readings = vitals.readKeyValuesToList();
    assertThat(readings).hasSize(1);
    assertThat(readings.get(0).key).isEqualTo("p1");
  }

  @Test
  void poisonCommandsAreDeadLetteredAndTheNextCommandStillApplies() {
    commands.pipeInput("Patient/x", "not avro".getBytes(StandardCharsets.UTF_8));
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    var dead = deadLetters.readRecord();
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    assertThat(
            new String(
                dead.headers().lastHeader(Topics.DLQ_HEADER_ERROR).value(), StandardCharsets.UTF_8))
        .contains("undecodable");
    assertThat(versions.readValuesToList()).hasSize(1);
  }

  @Test
  void aCommandUnderTheWrongKeyIsDeadLettered() {
    byte[] bytes =
        Topics.FHIR_COMMANDS
            .valueSerde()
            .serializer()
            .serialize("t", command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    commands.pipeInput("Patient/b", bytes);
    assertThat(deadLetters.readRecord().key()).isEqualTo("Patient/b");
    assertThat(versions.isEmpty()).isTrue();
  }

  @Test
  void aFenceAsksForNothingAndTheNextCommandStillApplies() {
    send(command("q1", FhirOperation.CREATE, "Patient", "a", null, null));
    commands.pipeInput("Patient/a", (byte[]) null); // CommandSender.inLog's fence
    send(command("q2", FhirOperation.UPDATE, "Patient", "a", 1L, null));
    assertThat(versions.readValuesToList())
        .extracting(FhirResourceVersion::getVersionId)
        .containsExactly(1L, 2L);
    assertThat(outcomes.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  private void send(FhirCommand command) {
    commands.pipeInput(
        command.getResourceType() + "/" + command.getResourceId(),
        Topics.FHIR_COMMANDS.valueSerde().serializer().serialize("t", command));
  }

  private static FhirCommand command(
      String requestId,
      FhirOperation operation,
      String type,
      String id,
      Long ifMatch,
      String ifNoneExist) {
    String resource =
        operation == FhirOperation.DELETE
            ? null
            : "{\"resourceType\":\""
                + type
                + "\",\"meta\":{\"versionId\":\"99\",\"profile\":[\"http://example.org/p\"]},"
                + "\"gender\":\"female\"}";
    return FhirCommand.newBuilder()
        .setRequestId(requestId)
        .setResourceType(type)
        .setResourceId(id)
        .setOperation(operation)
        .setIfMatch(ifMatch)
        .setIfNoneExist(ifNoneExist)
        .setResource(resource)
        .setReceivedAt(T0)
        .build();
  }
}
