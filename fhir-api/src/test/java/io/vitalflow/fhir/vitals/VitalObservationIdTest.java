package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VitalObservationIdTest {

  private static final Instant T = Instant.parse("2026-11-27T10:15:30.123Z");

  @Test
  void plainPatientIdsAreWrittenAsTheyAre() {
    VitalObservationId id = VitalObservationId.of("p-1", "8867-4", T);
    assertThat(id.value()).isEqualTo("vs-" + Long.toString(T.toEpochMilli(), 36) + "-88674-p-1");
    assertThat(VitalObservationId.parse(id.value())).contains(id);
    assertThat(VitalObservations.isVitalId(id.value())).isTrue();
  }

  @Test
  void otherCharactersAreEscapedAndDecodeBack() {
    VitalObservationId id = VitalObservationId.of("mrn_12:3.4", "59408-5", T);
    assertThat(id.value()).endsWith("-594085-mrn.5F12.3A3.2E4").matches("[A-Za-z0-9\\-.]{1,64}");
    assertThat(VitalObservationId.parse(id.value())).contains(id);
  }

  @Test
  void patientIdsThatDoNotFitGetAStableHashedIdThatIsNotReadable() {
    String longPatient = "patient-".repeat(8);
    String value = VitalObservationId.of(longPatient, "8310-5", T).value();
    assertThat(value)
        .startsWith("vh-")
        .hasSizeLessThanOrEqualTo(64)
        .isEqualTo(VitalObservationId.of(longPatient, "8310-5", T).value())
        .isNotEqualTo(VitalObservationId.of(longPatient + "x", "8310-5", T).value());
    assertThat(VitalObservations.isVitalId(value)).isTrue();
    assertThat(VitalObservationId.parse(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "vs-",
        "vs-abc-88674-",
        "vs-abc-12345-p1",
        "vs-abc-8867-4-p1",
        "vs-ABC-88674-p1",
        "vs-abc-88674-p.5f",
        "vs-abc-88674-p.4",
        "vs-abc-88674-p.41",
        "vs-abc-88674-p_1",
        "xs-abc-88674-p1",
        "vs-zzzzzzzzzzzzz-88674-p1",
        "123",
        "vh-abc-88674-0123"
      })
  void malformedOrNonCanonicalIdsLocateNothing(String id) {
    // p.41 is "pA", which is written p A without escape: one reading has exactly one id
    assertThat(VitalObservationId.parse(id)).isEmpty();
  }

  @Test
  void idsOfOtherResourcesAreNotVitalIds() {
    assertThat(VitalObservations.isVitalId("123")).isFalse();
    assertThat(VitalObservations.isVitalId("vs-abc-88674-p_1")).isFalse();
    assertThat(VitalObservations.isVitalId(null)).isFalse();
  }

  @Property(tries = 300)
  void everyIdIsAValidFhirIdAndTheReadableOnesDecodeToTheirReading(
      @ForAll @StringLength(min = 1, max = 128) String patient,
      @ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long millis) {
    Assume.that(
        patient.equals(
            new String(patient.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
    VitalObservationId id = new VitalObservationId(millis, "8480-6", patient);
    String value = id.value();
    assertThat(value).matches("[A-Za-z0-9\\-.]{1,64}");
    assertThat(VitalObservations.isVitalId(value)).isTrue();
    if (value.startsWith("vs-")) {
      assertThat(VitalObservationId.parse(value)).contains(id);
    } else {
      assertThat(VitalObservationId.parse(value)).isEmpty();
    }
  }
}
