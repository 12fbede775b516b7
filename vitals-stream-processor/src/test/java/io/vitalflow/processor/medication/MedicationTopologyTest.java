package io.vitalflow.processor.medication;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.WasmInteractionChecker;
import io.vitalflow.interactions.host.PluginTrapException;
import io.vitalflow.kafka.StreamsSettings;
import io.vitalflow.schemas.Alert;
import io.vitalflow.schemas.AlertKind;
import io.vitalflow.schemas.AlertSeverity;
import io.vitalflow.schemas.FhirCommand;
import io.vitalflow.schemas.FhirOperation;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/** The medication topology in a {@link TopologyTestDriver} with the shipped WebAssembly checker. */
class MedicationTopologyTest {

  static final String PREFIX = "t.";
  static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");
  static final String WARFARIN = "11289";
  static final String WARFARIN_5MG = "855332";
  static final String IBUPROFEN_200MG = "310965";
  static final String IBUPROFEN_600MG = "197806";
  static final String ACETAMINOPHEN = "161";
  static final String METFORMIN_500MG = "861007";

  private static WasmInteractionChecker wasm;
  private static FhirContext fhir;
  private static java.util.function.LongFunction<String> ingredientNames;

  /** The checker the topology uses; a test may make it fail. */
  private final AtomicBoolean failing = new AtomicBoolean();

  private Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> resources;
  private TestOutputTopic<String, byte[]> commands;
  private TestOutputTopic<String, byte[]> alerts;
  private TestOutputTopic<String, byte[]> deadLetters;
  private long versions;
  private MedicationTopology.Options options;
  private SimpleMeterRegistry meters;

  @BeforeAll
  static void loadChecker() {
    wasm = WasmInteractionChecker.shipped();
    MedicationTopology.Options defaults = MedicationTopology.Options.of(wasm);
    fhir = FhirContext.forR4();
    ingredientNames = defaults.ingredientNames();
  }

  @AfterAll
  static void closeChecker() {
    wasm.close();
  }

  @BeforeEach
  void start() throws IOException {
    InteractionChecker checker =
        new InteractionChecker() {
          @Override
          public CheckResult check(List<Medication> medications) {
            if (failing.get()) {
              throw new PluginTrapException("wasm trap: unreachable", null);
            }
            return wasm.check(medications);
          }

          @Override
          public String kbVersion() {
            return wasm.kbVersion();
          }
        };
    meters = new SimpleMeterRegistry();
    MedicationTopology.Options options =
        new MedicationTopology.Options(PREFIX, checker, ingredientNames, meters);
    stateDir = Files.createTempDirectory("medication-topology");
    this.options = options;
    open(MedicationTopology.StateStores.IN_MEMORY);
  }

  private void open(MedicationTopology.StateStores stores) {
    driver =
        new TopologyTestDriver(
            new MedicationTopology(options).build(stores),
            StreamsSettings.properties("medications-test", "unused:9092", stateDir, 1),
            WALL_CLOCK);
    resources =
        driver.createInputTopic(
            PREFIX + Topics.FHIR_RESOURCES.name(),
            new StringSerializer(),
            new ByteArraySerializer());
    commands = output(Topics.FHIR_COMMANDS.name());
    alerts = output(Topics.ALERTS.name());
    deadLetters = output(Topics.MEDICATION_EVENTS_DLQ.name());
  }

  private TestOutputTopic<String, byte[]> output(String name) {
    return driver.createOutputTopic(
        PREFIX + name,
        Topics.FHIR_COMMANDS.keySerde().deserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    FileSystemUtils.deleteRecursively(stateDir.toFile());
  }

  @Test
  void warfarinAndIbuprofenForOnePatientGiveOneDetectedIssueAndOneAlert() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, "Warfarin Sodium 5 MG Oral Tablet");
    assertThat(commands.isEmpty()).as("one drug alone interacts with nothing").isTrue();
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, "Ibuprofen 200 MG Oral Tablet");

    List<TestRecord<String, byte[]>> issued = commands.readRecordsToList();
    assertThat(issued).hasSize(1);
    FhirCommand command = command(issued.get(0));
    assertThat(command.getOperation()).isEqualTo(FhirOperation.CREATE);
    assertThat(command.getResourceType()).isEqualTo("DetectedIssue");
    assertThat(command.getResourceId()).startsWith("di-");
    assertThat(issued.get(0).key()).isEqualTo("DetectedIssue/" + command.getResourceId());
    assertThat(command.getIfNoneExist())
        .as("a replay finds the issue and writes nothing")
        .isNotNull();
    assertThat(command.getReceivedAt()).isEqualTo(WALL_CLOCK);

    DetectedIssue issue =
        fhir.newJsonParser().parseResource(DetectedIssue.class, command.getResource());
    assertThat(issue.getIdElement().getIdPart()).isEqualTo(command.getResourceId());
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.FINAL);
    assertThat(issue.getSeverity()).isEqualTo(DetectedIssue.DetectedIssueSeverity.HIGH);
    assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("DRG");
    assertThat(issue.getPatient().getReference()).isEqualTo("Patient/p-1");
    assertThat(issue.getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-1", "MedicationRequest/mr-2");
    assertThat(issue.getDetail()).containsIgnoringCase("bleeding");
    assertThat(issue.getExtensionByUrl(InteractionReport.MANAGEMENT_EXTENSION)).isNotNull();
    assertThat(issue.getMeta().getTag(InteractionReport.KB_SYSTEM, wasm.kbVersion())).isNotNull();
    assertThat(issue.getIdentifierFirstRep().getValue()).isEqualTo("WARF-NSAID");

    List<TestRecord<String, byte[]>> raised = alerts.readRecordsToList();
    assertThat(raised).hasSize(1);
    Alert alert = alert(raised.get(0));
    assertThat(raised.get(0).key()).isEqualTo("p-1");
    assertThat(alert.getPatientId()).isEqualTo("p-1");
    assertThat(alert.getKind()).isEqualTo(AlertKind.DRUG_INTERACTION);
    assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.HIGH);
    assertThat(alert.getTitle())
        .isEqualTo("Drug interaction: warfarin + ibuprofen (major)")
        .doesNotContain("p-1");
    assertThat(alert.getDetectedIssue()).isEqualTo(command.getResource());
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anInteractionAlreadyReportedIsNotReportedAgainWhenAnOrderChanges() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    assertThat(commands.readRecordsToList()).hasSize(1);
    assertThat(alerts.readRecordsToList()).hasSize(1);

    order(
        "mr-2",
        "p-1",
        "active",
        IBUPROFEN_600MG,
        null); // dose changed: the list changes, the pair does not
    order("mr-1", "p-1", "on-hold", WARFARIN_5MG, null); // paused: still on the list
    order("mr-3", "p-1", "active", WARFARIN, null); // a second warfarin order: the same pair
    assertThat(commands.isEmpty()).isTrue();
    assertThat(alerts.isEmpty()).isTrue();
  }

  @Test
  void aHarmlessPairReportsNothing() {
    order("mr-1", "p-1", "active", ACETAMINOPHEN, "Acetaminophen");
    order("mr-2", "p-1", "active", METFORMIN_500MG, null);
    assertThat(commands.isEmpty()).isTrue();
    assertThat(alerts.isEmpty()).isTrue();
  }

  @Test
  void patientsAreIndependent() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-2", "active", IBUPROFEN_200MG, null);
    assertThat(commands.isEmpty()).as("warfarin and ibuprofen of different patients").isTrue();

    order("mr-3", "p-2", "active", WARFARIN_5MG, null);
    order("mr-4", "p-1", "active", IBUPROFEN_200MG, null);
    List<FhirCommand> issued =
        commands.readRecordsToList().stream().map(MedicationTopologyTest::command).toList();
    assertThat(issued)
        .extracting(
            c ->
                fhir.newJsonParser()
                    .parseResource(DetectedIssue.class, c.getResource())
                    .getPatient()
                    .getReference())
        .containsExactly("Patient/p-2", "Patient/p-1");
    assertThat(issued.get(0).getResourceId()).isNotEqualTo(issued.get(1).getResourceId());
    List<TestRecord<String, byte[]>> raised = alerts.readRecordsToList();
    assertThat(raised).extracting(TestRecord::key).containsExactly("p-2", "p-1");
    assertThat(raised)
        .extracting(r -> alert(r).getTitle())
        .as("the rule's order, whatever the list order")
        .containsOnly("Drug interaction: warfarin + ibuprofen (major)");
    assertThat(
            fhir.newJsonParser()
                .parseResource(DetectedIssue.class, issued.get(0).getResource())
                .getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-3", "MedicationRequest/mr-2");
  }

  @Test
  void aStoppedOrderLeavesTheListAndAPairThatComesBackIsReportedAgain() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "stopped", IBUPROFEN_200MG, null);
    order("mr-3", "p-1", "completed", IBUPROFEN_200MG, null);
    order("mr-4", "p-1", "draft", IBUPROFEN_200MG, null);
    order("mr-5", "p-1", "active", IBUPROFEN_200MG, null, true); // doNotPerform
    assertThat(commands.isEmpty()).as("orders that do not count").isTrue();

    order("mr-6", "p-1", "active", IBUPROFEN_200MG, null);
    FhirCommand first = command(commands.readRecord());
    order("mr-6", "p-1", "stopped", IBUPROFEN_200MG, null);
    assertThat(command(commands.readRecord()).getOperation())
        .as("the issue is retired")
        .isEqualTo(FhirOperation.UPDATE);
    order("mr-1", "p-1", "active", WARFARIN_5MG, null); // changes nothing: mr-6 is off the list
    assertThat(commands.isEmpty()).isTrue();

    order("mr-7", "p-1", "active", IBUPROFEN_600MG, null); // a new course
    FhirCommand again = command(commands.readRecord());
    assertThat(again.getResourceId())
        .as("a new DetectedIssue for the new orders")
        .isNotEqualTo(first.getResourceId());
    assertThat(alerts.readRecordsToList())
        .extracting(r -> alert(r).getKind())
        .containsExactly(
            AlertKind.DRUG_INTERACTION, AlertKind.ALERT_RESOLVED, AlertKind.DRUG_INTERACTION);
  }

  @Test
  void aDeletedVersionRemovesTheOrder() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    assertThat(commands.readRecordsToList()).hasSize(1);
    pipe("MedicationRequest", "mr-2", true, null);
    FhirCommand retired = command(commands.readRecord());
    assertThat(issue(retired).getStatus())
        .as("deleted: the issue is cancelled")
        .isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);
    assertThat(issue(retired).getMitigationFirstRep().getAction().getText())
        .contains("MedicationRequest/mr-2 was deleted");
    order("mr-3", "p-1", "active", IBUPROFEN_600MG, null);
    assertThat(commands.readRecordsToList())
        .as("mr-2 was deleted, so mr-3 brings the pair back")
        .hasSize(1);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void otherResourceTypesAreIgnored() {
    pipe("Patient", "p-1", false, "{\"resourceType\":\"Patient\",\"id\":\"p-1\"}");
    pipe("Patient", "p-2", true, null);
    assertThat(commands.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anUndecodableRecordIsDeadLetteredAndTheNextRecordIsStillProcessed() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    resources.pipeInput("MedicationRequest/mr-x", "not avro".getBytes(StandardCharsets.UTF_8));
    pipe(
        "MedicationRequest",
        "mr-y",
        false,
        "{\"resourceType\":\"MedicationRequest\",\"status\":42}");
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);

    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(TestRecord::key)
        .containsExactly("MedicationRequest/mr-x", "MedicationRequest/mr-y");
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    assertThat(header(dead.get(0), Topics.DLQ_HEADER_ERROR))
        .startsWith("Cannot decode FhirResourceVersion");
    assertThat(header(dead.get(0), Topics.DLQ_HEADER_SOURCE))
        .startsWith(PREFIX + Topics.FHIR_RESOURCES.name() + "-");
    assertThat(header(dead.get(1), Topics.DLQ_HEADER_ERROR))
        .startsWith("Cannot parse MedicationRequest");
    assertThat(commands.readRecordsToList()).hasSize(1);
  }

  @Test
  void withRocksDbStoresTheSameOrdersGiveTheSameReport() {
    driver.close();
    open(MedicationTopology.StateStores.ROCKSDB);
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    order("mr-3", "p-1", "active", IBUPROFEN_200MG, "a new version, the same medication");
    assertThat(commands.readRecordsToList()).hasSize(1);
    assertThat(alerts.readRecordsToList()).extracting(TestRecord::key).containsExactly("p-1");
    order(
        "mr-2", "p-1", "stopped", IBUPROFEN_200MG, null); // the pair goes on through mr-3: amended
    order("mr-3", "p-1", "stopped", IBUPROFEN_200MG, null); // retired
    order("mr-4", "p-1", "active", IBUPROFEN_200MG, null);
    assertThat(alerts.readRecordsToList())
        .extracting(r -> alert(r).getKind())
        .as("the pair was gone and is back")
        .containsExactly(AlertKind.ALERT_RESOLVED, AlertKind.DRUG_INTERACTION);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aPluginFailureDeadLettersTheEventAndTheNextChangeCatchesUp() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    failing.set(true);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).key()).isEqualTo("MedicationRequest/mr-2");
    assertThat(dead.get(0).value()).as("not carried through the repartition topic").isEmpty();
    assertThat(header(dead.get(0), Topics.DLQ_HEADER_ERROR)).contains("PluginTrapException");
    assertThat(header(dead.get(0), Topics.DLQ_HEADER_SOURCE))
        .as("the failed record's place in fhir.resources.v1")
        .isEqualTo(PREFIX + Topics.FHIR_RESOURCES.name() + "-0@1");
    assertThat(commands.isEmpty()).isTrue();
    assertThat(meters.get("vitalflow.medication.checks").tag("outcome", "failed").counter().count())
        .as("plugin failures, counted for the alert PluginChecksFailing")
        .isEqualTo(1.0);
    assertThat(
            meters.get("vitalflow.medication.checks").tag("outcome", "checked").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .as("successful checks: the first order alone")
        .isEqualTo(1.0);
    assertThat(
            meters
                .get("vitalflow.medication.checks")
                .tag("outcome", "checked")
                .counter()
                .getId()
                .getTag("kb_version"))
        .as("by the knowledge version that answered")
        .isEqualTo(wasm.kbVersion());

    failing.set(false);
    order("mr-3", "p-2", "active", WARFARIN_5MG, null);
    order("mr-4", "p-2", "active", IBUPROFEN_200MG, null);
    assertThat(commands.readRecordsToList()).as("the stream goes on").hasSize(1);
    order("mr-5", "p-1", "active", ACETAMINOPHEN, null);
    assertThat(alerts.readRecordsToList())
        .extracting(TestRecord::key)
        .containsExactly("p-2", "p-1");
  }

  @Test
  void anOrderThatCannotBeResolvedIsReportedAsNotCheckedWithAnAlertAndAMetric() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order(
        "mr-2",
        "p-1",
        "active",
        "99999999",
        "Zorblax 10 MG Oral Tablet"); // unknown code, unknown name

    List<TestRecord<String, byte[]>> issued = commands.readRecordsToList();
    assertThat(issued).hasSize(1);
    FhirCommand command = command(issued.get(0));
    assertThat(command.getOperation()).isEqualTo(FhirOperation.CREATE);
    assertThat(command.getIfNoneExist()).isEqualTo("_id=" + command.getResourceId());
    DetectedIssue issue = issue(command);
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.FINAL);
    assertThat(issue.getCode().getCodingFirstRep().getSystem())
        .isEqualTo(InteractionReport.CHECK_SYSTEM);
    assertThat(issue.getCode().getCodingFirstRep().getCode())
        .isEqualTo(InteractionReport.NOT_CHECKED);
    assertThat(issue.getPatient().getReference()).isEqualTo("Patient/p-1");
    assertThat(issue.getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-2");
    assertThat(issue.getImplicatedFirstRep().getDisplay()).isEqualTo("Zorblax 10 MG Oral Tablet");
    assertThat(issue.getDetail()).contains("not checked");

    Alert alert = alert(alerts.readRecord());
    assertThat(alert.getKind()).isEqualTo(AlertKind.MEDICATION_NOT_CHECKED);
    assertThat(alert.getAlertId()).isEqualTo(command.getResourceId());
    assertThat(alert.getTitle())
        .isEqualTo("Drug interactions not checked: Zorblax 10 MG Oral Tablet");
    assertThat(alert.getDetectedIssue()).isEqualTo(command.getResource());
    assertThat(meters.get("vitalflow.medication.not.checked").counter().count()).isEqualTo(1.0);

    order("mr-3", "p-1", "active", IBUPROFEN_200MG, null);
    assertThat(commands.readRecordsToList())
        .as("the rest of the list is still checked, mr-2 not reported twice")
        .extracting(r -> issue(command(r)).getCode().getCodingFirstRep().getCode())
        .containsExactly("DRG");
    assertThat(meters.get("vitalflow.medication.not.checked").counter().count()).isEqualTo(1.0);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anOrderNamingNoRxNormCodeAndNoTextIsNotCheckedEither() {
    pipe(
        "MedicationRequest",
        "mr-1",
        false,
        """
        {"resourceType":"MedicationRequest","id":"mr-1","status":"active","intent":"order",
         "medicationCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/ndc","code":"0093-0058-01"}]},
         "subject":{"reference":"Patient/p-1"}}""");
    DetectedIssue issue = issue(command(commands.readRecord()));
    assertThat(issue.getCode().getCodingFirstRep().getCode())
        .isEqualTo(InteractionReport.NOT_CHECKED);
    assertThat(issue.getImplicatedFirstRep().getDisplay())
        .isEqualTo("medication without RxNorm code or name");
    assertThat(alert(alerts.readRecord()).getKind()).isEqualTo(AlertKind.MEDICATION_NOT_CHECKED);
  }

  @Test
  void stoppingADrugRetiresTheDetectedIssueAndResolvesItsAlert() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    FhirCommand created = command(commands.readRecord());
    Alert raised = alert(alerts.readRecord());

    order("mr-2", "p-1", "stopped", IBUPROFEN_200MG, null);
    List<TestRecord<String, byte[]>> retired = commands.readRecordsToList();
    assertThat(retired).hasSize(1);
    assertThat(retired.get(0).key()).isEqualTo("DetectedIssue/" + created.getResourceId());
    FhirCommand update = command(retired.get(0));
    assertThat(update.getOperation()).isEqualTo(FhirOperation.UPDATE);
    assertThat(update.getResourceId()).isEqualTo(created.getResourceId());
    DetectedIssue issue = issue(update);
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);
    assertThat(issue.getIdentifierFirstRep().getValue())
        .as("the new version keeps the rule")
        .isEqualTo("WARF-NSAID");
    assertThat(issue.getIdentifiedDateTimeType().getValue())
        .isEqualTo(issue(created).getIdentifiedDateTimeType().getValue());
    assertThat(issue.getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-1", "MedicationRequest/mr-2");
    assertThat(issue.getMitigationFirstRep().getAction().getCodingFirstRep().getCode())
        .isEqualTo("13");
    assertThat(issue.getMitigationFirstRep().getAction().getText())
        .contains("MedicationRequest/mr-2 was stopped");

    Alert resolved = alert(alerts.readRecord());
    assertThat(resolved.getKind()).isEqualTo(AlertKind.ALERT_RESOLVED);
    assertThat(resolved.getAttributes())
        .containsEntry(InteractionReport.RESOLVES, raised.getAlertId())
        .containsEntry("reason", "stopped");
    assertThat(resolved.getAlertId())
        .isEqualTo(raised.getAlertId() + InteractionReport.RESOLVED_SUFFIX);
    assertThat(resolved.getTitle())
        .isEqualTo(
            "Resolved: drug interaction warfarin + ibuprofen"
                + " (MedicationRequest/mr-2 was stopped)");
    assertThat(resolved.getAttributes())
        .containsEntry("detectedIssue", "DetectedIssue/" + update.getResourceId());
    assertThat(resolved.getDetectedIssue())
        .as("FHIR has the retiring version; the alert only names it")
        .isNull();
    assertThat(meters.get("vitalflow.medication.issues.retired").counter().count()).isEqualTo(1.0);

    order("mr-2", "p-1", "stopped", IBUPROFEN_200MG, "another version of the stopped order");
    order("mr-1", "p-1", "completed", WARFARIN_5MG, null);
    assertThat(commands.isEmpty()).as("retired once").isTrue();
    assertThat(alerts.isEmpty()).isTrue();
  }

  @Test
  void whenThePairGoesOnThroughAnotherOrderTheIssueIsAmendedToImplicateItAndItsAlertStands() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    order(
        "mr-3",
        "p-1",
        "active",
        IBUPROFEN_600MG,
        null); // a second ibuprofen order: the same pair, nothing new
    FhirCommand created = command(commands.readRecord());
    assertThat(commands.isEmpty()).isTrue();
    alerts.readRecordsToList();

    order("mr-2", "p-1", "cancelled", IBUPROFEN_200MG, null);
    FhirCommand amended = command(commands.readRecord());
    assertThat(amended.getOperation()).isEqualTo(FhirOperation.UPDATE);
    assertThat(amended.getResourceId()).isEqualTo(created.getResourceId());
    DetectedIssue issue = issue(amended);
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.AMENDED);
    assertThat(issue.getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-1", "MedicationRequest/mr-3");
    assertThat(issue.getIdentifierFirstRep().getValue()).isEqualTo("WARF-NSAID");
    assertThat(alerts.isEmpty()).as("the interaction alert still applies").isTrue();

    order("mr-3", "p-1", "stopped", IBUPROFEN_600MG, null);
    FhirCommand retired = command(commands.readRecord());
    assertThat(retired.getResourceId()).isEqualTo(created.getResourceId());
    assertThat(issue(retired).getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);
    assertThat(issue(retired).getMitigationFirstRep().getAction().getText())
        .contains("MedicationRequest/mr-3");
    assertThat(alert(alerts.readRecord()).getKind()).isEqualTo(AlertKind.ALERT_RESOLVED);
  }

  @Test
  void whenTheCheckFailsTheIssuesOfAStoppedOrderAreStillRetired() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    order("mr-3", "p-1", "active", METFORMIN_500MG, null);
    FhirCommand created = command(commands.readRecord());
    failing.set(true);
    order("mr-2", "p-1", "stopped", IBUPROFEN_200MG, null);
    FhirCommand retired = command(commands.readRecord());
    assertThat(retired.getResourceId()).isEqualTo(created.getResourceId());
    assertThat(issue(retired).getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);
    assertThat(issue(retired).hasIdentifier())
        .as("the pair could not be checked again: a shorter version")
        .isFalse();
    assertThat(deadLetters.readRecordsToList()).hasSize(1);
  }

  @Test
  void anOrderEnteredInErrorMarksItsIssuesEnteredInError() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    order("mr-3", "p-1", "active", "99999999", null);
    commands.readRecordsToList();
    alerts.readRecordsToList();

    order("mr-3", "p-1", "entered-in-error", "99999999", null);
    DetectedIssue notChecked = issue(command(commands.readRecord()));
    assertThat(notChecked.getCode().getCodingFirstRep().getCode())
        .isEqualTo(InteractionReport.NOT_CHECKED);
    assertThat(notChecked.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.ENTEREDINERROR);
    assertThat(alert(alerts.readRecord()).getKind()).isEqualTo(AlertKind.ALERT_RESOLVED);

    order("mr-1", "p-1", "entered-in-error", WARFARIN_5MG, null);
    DetectedIssue interaction = issue(command(commands.readRecord()));
    assertThat(interaction.getCode().getCodingFirstRep().getCode()).isEqualTo("DRG");
    assertThat(interaction.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.ENTEREDINERROR);
    assertThat(interaction.getMitigationFirstRep().getAction().hasCoding())
        .as("not a stopped therapy")
        .isFalse();
    assertThat(commands.isEmpty()).isTrue();
  }

  @Test
  void reActivatingAStoppedOrderReportsTheInteractionAgain() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    FhirCommand first = command(commands.readRecord());
    order("mr-2", "p-1", "on-hold", IBUPROFEN_200MG, null); // a pause keeps the drug on the list
    assertThat(commands.isEmpty()).isTrue();
    order("mr-2", "p-1", "stopped", IBUPROFEN_200MG, null);
    assertThat(command(commands.readRecord()).getOperation()).isEqualTo(FhirOperation.UPDATE);

    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null); // the same order, active again
    FhirCommand again = command(commands.readRecord());
    assertThat(again.getOperation()).isEqualTo(FhirOperation.CREATE);
    assertThat(again.getResourceId())
        .as("a new issue; the retired one keeps its history")
        .isNotEqualTo(first.getResourceId());
    DetectedIssue issue = issue(again);
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.FINAL);
    assertThat(issue.getImplicated())
        .extracting(r -> r.getReference())
        .containsExactly("MedicationRequest/mr-1", "MedicationRequest/mr-2");
    assertThat(alerts.readRecordsToList())
        .extracting(r -> alert(r).getKind())
        .containsExactly(
            AlertKind.DRUG_INTERACTION, AlertKind.ALERT_RESOLVED, AlertKind.DRUG_INTERACTION);
  }

  @Test
  void anOrderWhoseDrugChangesRetiresItsInteractionAndANotCheckedOrderThatBecomesKnownIsRetired() {
    order("mr-1", "p-1", "active", WARFARIN_5MG, null);
    order("mr-2", "p-1", "active", IBUPROFEN_200MG, null);
    FhirCommand interaction = command(commands.readRecord());
    order("mr-2", "p-1", "active", ACETAMINOPHEN, null); // corrected to a harmless drug
    FhirCommand retired = command(commands.readRecord());
    assertThat(retired.getResourceId()).isEqualTo(interaction.getResourceId());
    assertThat(issue(retired).getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);

    order("mr-3", "p-1", "active", "99999999", null);
    FhirCommand notChecked = command(commands.readRecord());
    order("mr-3", "p-1", "active", METFORMIN_500MG, null); // its code corrected
    FhirCommand checked = command(commands.readRecord());
    assertThat(checked.getResourceId()).isEqualTo(notChecked.getResourceId());
    assertThat(issue(checked).getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.CANCELLED);
    assertThat(issue(checked).getMitigationFirstRep().getAction().getText())
        .contains("can be checked now");
    assertThat(commands.isEmpty()).isTrue();
  }

  private static DetectedIssue issue(FhirCommand command) {
    return fhir.newJsonParser().parseResource(DetectedIssue.class, command.getResource());
  }

  private byte[] order(String id, String patient, String status, String rxcui, String text) {
    return order(id, patient, status, rxcui, text, false);
  }

  private byte[] order(
      String id, String patient, String status, String rxcui, String text, boolean doNotPerform) {
    String json =
        """
        {"resourceType":"MedicationRequest","id":"%s","status":"%s","intent":"order",%s
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"%s"}]%s},
         "subject":{"reference":"Patient/%s"}}"""
            .formatted(
                id,
                status,
                doNotPerform ? "\"doNotPerform\":true," : "",
                rxcui,
                text == null ? "" : ",\"text\":\"" + text + "\"",
                patient);
    return pipe("MedicationRequest", id, false, json);
  }

  private byte[] pipe(String type, String id, boolean deleted, String json) {
    FhirResourceVersion version =
        FhirResourceVersion.newBuilder()
            .setResourceType(type)
            .setResourceId(id)
            .setVersionId(++versions)
            .setLastUpdated(WALL_CLOCK.minusSeconds(60))
            .setDeleted(deleted)
            .setResource(json)
            .setRequestId("r-" + versions)
            .build();
    byte[] value = Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("", version);
    resources.pipeInput(type + "/" + id, value, WALL_CLOCK.minusSeconds(60));
    return value;
  }

  private static FhirCommand command(TestRecord<String, byte[]> record) {
    return Topics.FHIR_COMMANDS.valueSerde().deserializer().deserialize("", record.value());
  }

  private static Alert alert(TestRecord<String, byte[]> record) {
    return Topics.ALERTS.valueSerde().deserializer().deserialize("", record.value());
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
