package io.vitalflow.ingest.vitals.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vitalflow.ingest.vitals.parse.FieldNames;
import io.vitalflow.ingest.vitals.parse.ParsedBatch;
import io.vitalflow.ingest.vitals.parse.RawReading;
import io.vitalflow.ingest.vitals.parse.RejectReason;
import io.vitalflow.ingest.vitals.parse.Rejection;
import io.vitalflow.schemas.VitalSign;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadingValidatorTest {

  private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
  private final ReadingValidator validator =
      new ReadingValidator(
          Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(2), Duration.ofDays(7));

  @Test
  void aValidReadingIsNormalised() {
    VitalSign sign = accepted(raw("8310-5", 100.4, "[degF]", "2025-03-10T12:30:00+01:00"));

    assertThat(sign.getReadingId()).isEqualTo("r-1");
    assertThat(sign.getPatientId()).isEqualTo("patient-1");
    assertThat(sign.getDeviceId()).isEqualTo("device:9");
    assertThat(sign.getCode()).isEqualTo("8310-5");
    assertThat(sign.getValue()).isEqualTo(38.0);
    assertThat(sign.getUnit()).isEqualTo("Cel");
    assertThat(sign.getEffectiveTime()).isEqualTo(Instant.parse("2025-03-10T11:30:00Z"));
    assertThat(sign.getReceivedTime()).isEqualTo(NOW);
  }

  @Test
  void aMissingIdBecomesARandomUuid() {
    RawReading reading =
        new RawReading(
            0, FieldNames.JSON, null, "p", "d", "8867-4", 60, "/min", "2025-03-10T11:59:00Z");
    String first = accepted(reading).getReadingId();
    assertThat(first)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(accepted(reading).getReadingId()).isNotEqualTo(first);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "8867-4, 20, /min",
    "8867-4, 300, /min",
    "9279-1, 1, /min",
    "9279-1, 80, {breaths}/min",
    "59408-5, 50, %",
    "2708-6, 100, %",
    "8480-6, 40, mm[Hg]",
    "8480-6, 300, mm[Hg]",
    "8462-4, 20, mm[Hg]",
    "8462-4, 200, mm[Hg]",
    "8310-5, 25, Cel",
    "8310-5, 45, Cel",
    "8310-5, 113, [degF]"
  })
  void theEdgesOfThePlausibleRangesAreAccepted(String code, double value, String unit) {
    assertThat(accepted(raw(code, value, unit, "2025-03-10T11:00:00Z")).getValue()).isNotNaN();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "8867-4, 19.9, /min", "8867-4, 301, /min", "8867-4, 0, /min", "9279-1, 0, /min",
        "9279-1, 81, /min",
    "59408-5, 49, %", "59408-5, 100.1, %", "8480-6, 39, mm[Hg]", "8480-6, 301, mm[Hg]",
        "8462-4, 19, mm[Hg]",
    "8462-4, 201, mm[Hg]", "8310-5, 24.9, Cel", "8310-5, 45.1, Cel", "8310-5, 120, [degF]",
        "8310-5, 37, K",
    "8480-6, 50, kPa", "8867-4, -70, /min", "8867-4, Infinity, /min"
  })
  void implausibleValuesAreRejected(String code, double value, String unit) {
    Rejection rejection = rejected(raw(code, value, unit, "2025-03-10T11:00:00Z"));
    assertThat(rejection.kind()).isEqualTo(RejectReason.IMPLAUSIBLE_VALUE);
    assertThat(rejection.field()).isEqualTo("value");
    assertThat(rejection.reason()).contains("plausible range");
  }

  @Test
  void unknownCodesAndIncompatibleUnitsAreRejected() {
    Rejection unknown = rejected(raw("8302-2", 180, "cm", "2025-03-10T11:00:00Z"));
    assertThat(unknown.kind()).isEqualTo(RejectReason.UNKNOWN_CODE);
    assertThat(unknown.field()).isEqualTo("code");
    assertThat(unknown.reason()).contains("8302-2").contains("8867-4");

    Rejection unit = rejected(raw("8867-4", 70, "mm[Hg]", "2025-03-10T11:00:00Z"));
    assertThat(unit.kind()).isEqualTo(RejectReason.INCOMPATIBLE_UNIT);
    assertThat(unit.field()).isEqualTo("unit");
    assertThat(unit.reason()).contains("/min");
  }

  @Test
  void requiredFieldsMustBePresent() {
    assertThat(
            rejected(new RawReading(0, FieldNames.JSON, null, "p", "d", null, 1, "/min", "x"))
                .field())
        .isEqualTo("code");
    assertThat(
            rejected(new RawReading(0, FieldNames.JSON, null, null, "d", "8867-4", 60, "/min", "x"))
                .field())
        .isEqualTo("patientId");
    assertThat(
            rejected(new RawReading(0, FieldNames.JSON, null, "p", null, "8867-4", 60, "/min", "x"))
                .field())
        .isEqualTo("deviceId");
    assertThat(
            rejected(
                    new RawReading(
                        0, FieldNames.JSON, null, "p", "d", "8867-4", Double.NaN, "/min", "x"))
                .field())
        .isEqualTo("value");
    assertThat(
            rejected(new RawReading(0, FieldNames.JSON, null, "p", "d", "8867-4", 60, null, "x"))
                .field())
        .isEqualTo("unit");
    Rejection time =
        rejected(new RawReading(0, FieldNames.JSON, null, "p", "d", "8867-4", 60, "/min", null));
    assertThat(time.field()).isEqualTo("effectiveTime");
    assertThat(time.kind()).isEqualTo(RejectReason.MISSING_FIELD);
  }

  @Test
  void idsMustBeShortAndPlain() {
    String tooLong = "p".repeat(ReadingValidator.MAX_ID_LENGTH + 1);
    for (String bad : new String[] {"", " ", "a b", "pat/1", "ä", "x\n", tooLong}) {
      Rejection rejection =
          rejected(
              new RawReading(
                  3,
                  FieldNames.JSON,
                  null,
                  bad,
                  "d",
                  "8867-4",
                  60,
                  "/min",
                  "2025-03-10T11:00:00Z"));
      assertThat(rejection.kind()).as(bad).isEqualTo(RejectReason.INVALID_ID);
      assertThat(rejection.index()).isEqualTo(3);
    }
    assertThat(
            rejected(
                    new RawReading(
                        0,
                        FieldNames.JSON,
                        "id with space",
                        "p",
                        "d",
                        "8867-4",
                        60,
                        "/min",
                        "2025-03-10T11:00:00Z"))
                .field())
        .isEqualTo("id");
    assertThat(
            accepted(
                    new RawReading(
                        0,
                        FieldNames.JSON,
                        "urn:uuid:1-2",
                        "MRN_0042.a",
                        "Device-9",
                        "8867-4",
                        60,
                        "/min",
                        "2025-03-10T11:00:00Z"))
                .getPatientId())
        .isEqualTo("MRN_0042.a");
  }

  @ParameterizedTest
  @CsvSource({
    "2025-03-10T11:00:00",
    "2025-03-10",
    "yesterday",
    "2025-02-30T10:00:00Z",
    "+1000000001-01-01T00:00:00Z"
  })
  void effectiveTimeMustBeAnInstantWithOffset(String time) {
    Rejection rejection = rejected(raw("8867-4", 60, "/min", time));
    assertThat(rejection.kind()).isEqualTo(RejectReason.INVALID_TIME);
    assertThat(rejection.field()).isEqualTo("effectiveTime");
  }

  @Test
  void effectiveTimeMayBeAheadOnlyByTheClockSkew() {
    accepted(raw("8867-4", 60, "/min", "2025-03-10T12:02:00Z"));
    assertThat(rejected(raw("8867-4", 60, "/min", "2025-03-10T12:02:00.001Z")).kind())
        .isEqualTo(RejectReason.IN_FUTURE);
  }

  @Test
  void readingsOlderThanTheMaximumAgeAreRejected() {
    accepted(raw("8867-4", 60, "/min", "2025-03-03T12:00:00Z"));
    Rejection old = rejected(raw("8867-4", 60, "/min", "2025-03-03T11:59:59.999Z"));
    assertThat(old.kind()).isEqualTo(RejectReason.TOO_OLD);
    assertThat(old.reason()).contains("7 days");
  }

  @Test
  void fhirReadingsAreReportedWithFhirFieldNames() {
    RawReading component =
        new RawReading(
            0,
            FieldNames.fhirComponent(1),
            "bp-8462-4",
            "p",
            "d",
            "8462-4",
            12,
            "[psi]",
            "2025-03-10T11:00:00Z");
    assertThat(rejected(component).field()).isEqualTo("component[1].valueQuantity.code");
  }

  @Test
  void aBatchReportsParserAndValidationRejectionsInIndexOrder() {
    List<RawReading> readings =
        List.of(
            new RawReading(
                0, FieldNames.JSON, null, "p", "d", "8867-4", 999, "/min", "2025-03-10T11:00:00Z"),
            new RawReading(
                2, FieldNames.JSON, null, "p", "d", "8867-4", 70, "/min", "2025-03-10T11:00:00Z"),
            new RawReading(
                3, FieldNames.JSON, null, "p", "d", "8867-4", 70, "K", "2025-03-10T11:00:00Z"));
    List<Rejection> parserRejections =
        List.of(
            new Rejection(1, "", "not an object", RejectReason.MALFORMED),
            new Rejection(4, "value", "must be a number", RejectReason.WRONG_TYPE));

    ValidatedBatch batch = validator.validate(new ParsedBatch(5, readings, parserRejections));

    assertThat(batch.items()).isEqualTo(5);
    assertThat(batch.accepted()).hasSize(1);
    assertThat(batch.rejected()).extracting(Rejection::index).containsExactly(0, 1, 3, 4);
  }

  @Test
  void aReadingFromADeviceNotRegisteredToTheClientIsRejectedAndTheOthersAreNot() {
    List<RawReading> readings =
        List.of(device(0, "monitor-7"), device(1, "rogue-1"), device(2, "cuff-2"), device(3, "x"));
    DeviceAccess devices = DeviceAccess.of("ward-gw", List.of("monitor-*", "cuff-2"));

    ValidatedBatch batch = validator.validate(new ParsedBatch(4, readings, List.of()), devices);

    assertThat(batch.accepted())
        .extracting(VitalSign::getDeviceId)
        .containsExactly("monitor-7", "cuff-2");
    assertThat(batch.rejected())
        .extracting(Rejection::index, Rejection::field, Rejection::kind)
        .containsExactly(
            tuple(1, "deviceId", RejectReason.DEVICE_NOT_REGISTERED),
            tuple(3, "deviceId", RejectReason.DEVICE_NOT_REGISTERED));
    assertThat(batch.rejected().get(0).reason())
        .isEqualTo(
            "deviceId rogue-1 is not registered to client ward-gw; a client sends readings only"
                + " for its own devices");
    assertThat(batch.rejected().get(0).code()).isEqualTo("device_not_registered");
  }

  @Test
  void withoutDeviceAccessEveryDeviceIsAccepted() {
    ValidatedBatch batch =
        validator.validate(new ParsedBatch(1, List.of(device(0, "rogue-1")), List.of()));

    assertThat(batch.accepted()).hasSize(1);
  }

  private static RawReading device(int index, String deviceId) {
    return new RawReading(
        index,
        FieldNames.JSON,
        "r-" + index,
        "p",
        deviceId,
        "8867-4",
        70,
        "/min",
        "2025-03-10T11:00:00Z");
  }

  private static RawReading raw(String code, double value, String unit, String time) {
    return new RawReading(
        0, FieldNames.JSON, "r-1", "patient-1", "device:9", code, value, unit, time);
  }

  private VitalSign accepted(RawReading reading) {
    List<Rejection> rejections = new ArrayList<>();
    VitalSign sign = validator.validate(reading, NOW, rejections);
    assertThat(rejections).isEmpty();
    assertThat(sign).isNotNull();
    return sign;
  }

  private Rejection rejected(RawReading reading) {
    List<Rejection> rejections = new ArrayList<>();
    assertThat(validator.validate(reading, NOW, rejections)).isNull();
    assertThat(rejections).hasSize(1);
    return rejections.get(0);
  }
}
