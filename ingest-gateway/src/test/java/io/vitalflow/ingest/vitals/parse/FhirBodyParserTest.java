package io.vitalflow.ingest.vitals.parse;

import static io.vitalflow.ingest.vitals.Payloads.bloodPressurePanel;
import static io.vitalflow.ingest.vitals.Payloads.bundle;
import static io.vitalflow.ingest.vitals.Payloads.observation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FhirBodyParserTest {

  private static final String TIME = "2025-03-10T11:00:00+01:00";
  private final FhirBodyParser parser = new FhirBodyParser(FhirContext.forR4Cached());

  @Test
  void anObservationIsOneReading() {
    ParsedBatch batch = parse(observation("obs-1", "pat-1", "8867-4", 64, "/min", TIME));

    assertThat(batch.items()).isEqualTo(1);
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.readings())
        .containsExactly(
            new RawReading(
                0, FieldNames.FHIR, "obs-1", "pat-1", "monitor-7", "8867-4", 64, "/min", TIME));
  }

  @Test
  void aBloodPressurePanelIsSplitIntoItsComponents() {
    ParsedBatch batch = parse(bloodPressurePanel("bp-1", "pat-1", 118, 76, "mm[Hg]", TIME));

    assertThat(batch.items()).isEqualTo(1);
    assertThat(batch.readings())
        .extracting(
            RawReading::index,
            RawReading::id,
            RawReading::code,
            RawReading::value,
            RawReading::deviceId)
        .containsExactly(
            tuple(0, "bp-1-8480-6", "8480-6", 118.0, "cuff-2"),
            tuple(0, "bp-1-8462-4", "8462-4", 76.0, "cuff-2"));
    assertThat(batch.readings().get(1).names().value())
        .isEqualTo("component[1].valueQuantity.value");
  }

  @Test
  void aBundleIsOneItemPerEntry() {
    ParsedBatch batch =
        parse(
            bundle(
                observation("a", "p", "8867-4", 60, "/min", TIME),
                "{\"resourceType\":\"Patient\",\"id\":\"p\"}",
                bloodPressurePanel("bp", "p", 120, 80, "mm[Hg]", TIME)));

    assertThat(batch.items()).isEqualTo(3);
    assertThat(batch.readings()).extracting(RawReading::index).containsExactly(0, 2, 2);
    assertThat(batch.rejections())
        .extracting(Rejection::index, Rejection::field, Rejection::kind)
        .containsExactly(tuple(1, "resourceType", RejectReason.UNSUPPORTED_RESOURCE));
  }

  @Test
  void referencesMayBeAbsoluteAndDevicesIdentifiedByIdentifier() {
    String body =
        observation("o", "p", "8867-4", 60, "/min", TIME)
            .replace("\"Patient/p\"", "\"https://ehr.example/fhir/Patient/p-9/_history/2\"")
            .replace(
                "{\"reference\":\"Device/monitor-7\"}", "{\"identifier\":{\"value\":\"SN-123\"}}");

    RawReading reading = parse(body).readings().get(0);
    assertThat(reading.patientId()).isEqualTo("p-9");
    assertThat(reading.deviceId()).isEqualTo("SN-123");
  }

  @Test
  void effectiveInstantIsTakenAsWell() {
    String body =
        observation("o", "p", "8867-4", 60, "/min", TIME)
            .replace("effectiveDateTime", "effectiveInstant");
    assertThat(parse(body).readings().get(0).effectiveTime()).isEqualTo(TIME);
  }

  @Test
  void observationsThatAreNotUsableVitalSignsAreRejected() {
    String base = observation("o", "p", "8867-4", 60, "/min", TIME);
    assertRejected(
        base.replace("\"final\"", "\"entered-in-error\""),
        "status",
        RejectReason.UNSUPPORTED_RESOURCE);
    assertRejected(
        base.replace("\"vital-signs\"", "\"laboratory\""),
        "category",
        RejectReason.UNSUPPORTED_RESOURCE);
    assertRejected(
        base.replace("http://loinc.org", "http://snomed.info/sct"),
        "code",
        RejectReason.UNKNOWN_CODE);
    assertRejected(base.replace("Patient/p", "Group/g"), "subject", RejectReason.INVALID_ID);
    assertRejected(
        base.replace("Device/monitor-7", "Location/l"), "device", RejectReason.INVALID_ID);
    assertRejected(
        base.replace(
            "\"effectiveDateTime\":\"" + TIME + "\"",
            "\"effectivePeriod\":{\"start\":\"" + TIME + "\"}"),
        "effective[x]",
        RejectReason.INVALID_TIME);
    assertRejected(
        base.replace("http://unitsofmeasure.org", "http://example.org/units"),
        "valueQuantity.code",
        RejectReason.INCOMPATIBLE_UNIT);
    assertRejected(
        base.replaceAll("\"valueQuantity\":\\{[^}]*}", "\"valueString\":\"sixty\""),
        "valueQuantity.value",
        RejectReason.WRONG_TYPE);
  }

  @Test
  void aPanelWithoutComponentsOrWithUnknownOnesIsRejectedThere() {
    String panel = bloodPressurePanel("bp", "p", 120, 80, "mm[Hg]", TIME);
    ParsedBatch batch = parse(panel.replace("\"8480-6\"", "\"8478-0\""));
    assertThat(batch.readings()).extracting(RawReading::code).containsExactly("8478-0", "8462-4");

    String empty = panel.substring(0, panel.indexOf(",\n \"component\"")) + "}";
    assertRejected(empty, "component", RejectReason.MISSING_FIELD);
  }

  @Test
  void notFhirIsMalformed() {
    for (String body :
        new String[] {
          "",
          "{",
          "[]",
          "{\"resourceType\":\"Nonsense\"}",
          "{\"a\":1}",
          "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"not a date\"}",
          "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":\"abc\"}}"
        }) {
      assertThatThrownBy(() -> parse(body)).as(body).isInstanceOf(MalformedBodyException.class);
    }
  }

  @Test
  void aDuplicatedKeyRefusesTheWholeBody() {
    String observation = observation("obs-1", "pat-1", "8867-4", 64, "/min", TIME);
    String twoSubjects =
        observation.replaceFirst(
            "\"subject\"", "\"subject\":{\"reference\":\"Patient/other\"},\"subject\"");
    assertThat(twoSubjects).isNotEqualTo(observation);
    for (String body : new String[] {twoSubjects, bundle(observation, twoSubjects)}) {
      assertThatThrownBy(() -> parse(body))
          .isInstanceOf(MalformedBodyException.class)
          .satisfies(
              e ->
                  assertThat(((MalformedBodyException) e).getBody().getDetail())
                      .startsWith("Duplicate key \"subject\" at line "));
    }
  }

  private void assertRejected(String body, String field, RejectReason kind) {
    ParsedBatch batch = parse(body);
    assertThat(batch.readings()).as(body).isEmpty();
    assertThat(batch.rejections())
        .as(body)
        .singleElement()
        .satisfies(
            rejection -> {
              assertThat(rejection.field()).isEqualTo(field);
              assertThat(rejection.kind()).isEqualTo(kind);
            });
  }

  private ParsedBatch parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), 1000);
  }
}
