package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.vitalflow.schemas.VitalSign;
import io.vitalflow.schemas.VitalSignType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VitalSignMappingTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-27T10:16:00Z");
  private static final Instant EFFECTIVE = Instant.parse("2026-11-27T10:15:30.250Z");
  private static final String READING_ID = "Observation/42/_history/3";
  private static final Duration SKEW = Duration.ofSeconds(5);

  @ParameterizedTest
  @EnumSource(VitalSignType.class)
  void aReadingSurvivesTheRoundTripThroughFhirJson(VitalSignType type) {
    double value = type.min() + (type.max() - type.min()) / 3;
    VitalSign reading =
        new VitalSign(
            READING_ID, "p-1", "monitor-7", type.code(), value, type.unit(), EFFECTIVE, RECEIVED);

    String json =
        StrictFhir.encode(VitalSignMapping.toObservation(reading, RECEIVED.plusSeconds(1)));
    Observation parsed = StrictFhir.parse(Observation.class, json);

    assertThat(VitalSignMapping.fromObservation(parsed, READING_ID, RECEIVED, SKEW))
        .containsExactly(reading);
  }

  @Test
  void theObservationFollowsTheVitalSignsProfile() {
    VitalSign reading =
        new VitalSign("r-1", "p-1", "monitor-7", "8310-5", 37.2, "Cel", EFFECTIVE, RECEIVED);
    Observation obs =
        StrictFhir.parse(
            Observation.class,
            StrictFhir.encode(VitalSignMapping.toObservation(reading, RECEIVED)));

    assertThat(obs.getIdElement().getIdPart())
        .isEqualTo(VitalObservationId.of("p-1", "8310-5", EFFECTIVE).value());
    assertThat(obs.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .contains("http://hl7.org/fhir/StructureDefinition/vitalsigns");
    assertThat(obs.getMeta().getLastUpdated()).isEqualTo(Date.from(RECEIVED));
    assertThat(obs.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    assertThat(obs.getCategoryFirstRep().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/observation-category");
    assertThat(obs.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
    assertThat(obs.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
    assertThat(obs.getCode().getCodingFirstRep().getCode()).isEqualTo("8310-5");
    assertThat(obs.getCode().getCodingFirstRep().getDisplay()).isEqualTo("Body temperature");
    assertThat(obs.getSubject().getReference()).isEqualTo("Patient/p-1");
    assertThat(obs.getDevice().getReference()).isEqualTo("Device/monitor-7");
    assertThat(obs.getEffectiveDateTimeType().getValue()).isEqualTo(Date.from(EFFECTIVE));
    Quantity quantity = obs.getValueQuantity();
    assertThat(quantity.getValue()).isEqualByComparingTo("37.2");
    assertThat(quantity.getSystem()).isEqualTo("http://unitsofmeasure.org");
    assertThat(quantity.getCode()).isEqualTo("Cel");
    assertThat(quantity.getUnit()).isEqualTo("Cel");
    assertThat(obs.getIdentifierFirstRep().getValue()).isEqualTo("r-1");
  }

  @Test
  void fahrenheitBecomesCelsius() {
    Observation obs =
        observation(
            "8310-5",
            new Quantity()
                .setValue(new BigDecimal("98.6"))
                .setSystem("http://unitsofmeasure.org")
                .setCode("[degF]")
                .setUnit("°F"));

    List<VitalSign> readings = VitalSignMapping.fromObservation(obs, READING_ID, RECEIVED, SKEW);

    assertThat(readings)
        .singleElement()
        .satisfies(
            reading -> {
              assertThat(reading.getValue()).isEqualTo(37.0);
              assertThat(reading.getUnit()).isEqualTo("Cel");
              assertThat(reading.getCode()).isEqualTo("8310-5");
              assertThat(reading.getPatientId()).isEqualTo("p-1");
              assertThat(reading.getDeviceId()).isEqualTo("fhir-api");
              assertThat(reading.getReadingId()).isEqualTo(READING_ID);
              assertThat(reading.getEffectiveTime()).isEqualTo(EFFECTIVE);
              assertThat(reading.getReceivedTime()).isEqualTo(RECEIVED);
            });
  }

  @Test
  void aBloodPressurePanelGivesTwoReadingsInMillimetresOfMercury() {
    Observation panel = observation("85354-9", null);
    panel.setDevice(new Reference("Device/cuff-2"));
    panel
        .addComponent()
        .setValue(new Quantity(16).setSystem("http://unitsofmeasure.org").setCode("kPa"))
        .getCode()
        .addCoding()
        .setSystem("http://loinc.org")
        .setCode("8480-6");
    panel
        .addComponent()
        .setValue(new Quantity(80).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"))
        .getCode()
        .addCoding()
        .setSystem("http://loinc.org")
        .setCode("8462-4");
    panel
        .addComponent()
        .setValue(new Quantity(93).setCode("mm[Hg]"))
        .getCode()
        .addCoding()
        .setSystem("http://loinc.org")
        .setCode("8478-0");

    List<VitalSign> readings = VitalSignMapping.fromObservation(panel, READING_ID, RECEIVED, SKEW);

    assertThat(readings)
        .containsExactly(
            new VitalSign(
                READING_ID + "-8480-6",
                "p-1",
                "cuff-2",
                "8480-6",
                120.01,
                "mm[Hg]",
                EFFECTIVE,
                RECEIVED),
            new VitalSign(
                READING_ID + "-8462-4",
                "p-1",
                "cuff-2",
                "8462-4",
                80.0,
                "mm[Hg]",
                EFFECTIVE,
                RECEIVED));
  }

  @Test
  void observationsThatAreNotStoredVitalSignsGiveNothing() {
    assertThat(map(heartRate())).as("the control case").hasSize(1);

    Observation laboratory = heartRate();
    laboratory.getCategoryFirstRep().getCodingFirstRep().setCode("laboratory");
    assertThat(map(laboratory)).as("another category").isEmpty();

    Observation glucose = heartRate();
    glucose.getCode().getCodingFirstRep().setCode("2339-0");
    assertThat(map(glucose)).as("not a stored LOINC code").isEmpty();

    Observation text = heartRate();
    text.setValue(new StringType("fast"));
    assertThat(map(text)).as("no valueQuantity").isEmpty();

    Observation bpm = heartRate();
    bpm.getValueQuantity().setCode("bpm");
    assertThat(map(bpm)).as("not a UCUM unit of heart rate").isEmpty();

    Observation snomedUnit = heartRate();
    snomedUnit.getValueQuantity().setSystem("http://snomed.info/sct");
    assertThat(map(snomedUnit)).as("unit system not UCUM").isEmpty();

    Observation implausible = heartRate();
    implausible.getValueQuantity().setValue(900);
    assertThat(map(implausible)).as("implausible value").isEmpty();

    Observation group = heartRate();
    group.setSubject(new Reference("Group/ward-3"));
    assertThat(map(group)).as("subject not a Patient").isEmpty();

    Observation noSubject = heartRate();
    noSubject.setSubject(null);
    assertThat(map(noSubject)).as("no subject").isEmpty();

    Observation day = heartRate();
    day.setEffective(new DateTimeType("2026-11-27"));
    assertThat(map(day)).as("a day, not an instant").isEmpty();

    Observation old = heartRate();
    old.setEffective(
        new DateTimeType(
            Date.from(RECEIVED.minus(8, ChronoUnit.DAYS)), TemporalPrecisionEnum.SECOND));
    assertThat(map(old)).as("older than readings are kept").isEmpty();

    Observation future = heartRate();
    future.setEffective(
        new DateTimeType(
            Date.from(RECEIVED.plus(1, ChronoUnit.HOURS)), TemporalPrecisionEnum.SECOND));
    assertThat(map(future)).as("in the future").isEmpty();

    Observation error = heartRate();
    error.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(map(error)).as("entered in error").isEmpty();
  }

  /** {@code vitalflow.fhir.clock-skew}: how far ahead of its write an Observation may be dated. */
  @Test
  void theClockSkewIsASetting() {
    Observation ahead = heartRate();
    ahead.setEffective(
        new DateTimeType(Date.from(RECEIVED.plusSeconds(10)), TemporalPrecisionEnum.SECOND));

    assertThat(VitalSignMapping.fromObservation(ahead, READING_ID, RECEIVED, SKEW)).isEmpty();
    assertThat(
            VitalSignMapping.fromObservation(ahead, READING_ID, RECEIVED, Duration.ofSeconds(15)))
        .hasSize(1);
  }

  @Test
  void aSupportedLoincCodeWithoutCategoryIsAVitalSign() {
    Observation obs = heartRate();
    obs.setCategory(null);
    obs.setSubject(new Reference("https://ehr.example/fhir/Patient/p-9"));
    assertThat(map(obs))
        .singleElement()
        .satisfies(reading -> assertThat(reading.getPatientId()).isEqualTo("p-9"));
  }

  private static List<VitalSign> map(Observation obs) {
    return VitalSignMapping.fromObservation(obs, READING_ID, RECEIVED, SKEW);
  }

  private static Observation heartRate() {
    return observation(
        "8867-4", new Quantity(72).setSystem("http://unitsofmeasure.org").setCode("/min"));
  }

  private static Observation observation(String loinc, Quantity value) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.addCategory()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
        .setCode("vital-signs");
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode(loinc);
    obs.setSubject(new Reference("Patient/p-1"));
    obs.setEffective(new DateTimeType(Date.from(EFFECTIVE), TemporalPrecisionEnum.MILLI));
    obs.setValue(value);
    return obs;
  }
}
