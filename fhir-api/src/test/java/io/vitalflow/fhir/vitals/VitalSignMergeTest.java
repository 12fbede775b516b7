package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * How the two sources of vital signs (readings table, resource store) become one list: the date
 * each Observation sorts by, the merge of two sorted pages, and the newest per code of {@code
 * $lastn}.
 */
class VitalSignMergeTest {

  @Test
  void anObservationSortsByTheLatestInstantItsDateCoversWhenNewestFirst() {
    assertThat(EffectiveDates.sortKey(observation("\"effectiveDateTime\":\"2019-05-01\""), false))
        .isEqualTo(Instant.parse("2019-05-01T23:59:59.999Z"));
    assertThat(EffectiveDates.sortKey(observation("\"effectiveDateTime\":\"2019-05-01\""), true))
        .isEqualTo(Instant.parse("2019-05-01T00:00:00Z"));
    assertThat(
            EffectiveDates.sortKey(
                observation("\"effectivePeriod\":{\"start\":\"2020-01-01T10:00:00Z\"}"), false))
        .as("an open period reaches the end of time")
        .isAfter(Instant.parse("9000-01-01T00:00:00Z"));
    assertThat(
            EffectiveDates.sortKey(
                observation("\"effectiveInstant\":\"2020-01-01T10:00:00.123+01:00\""), true))
        .isEqualTo(Instant.parse("2020-01-01T09:00:00.123Z"));
    assertThat(
            EffectiveDates.sortKey(
                observation(
                    "\"effectiveTiming\":{\"event\":[\"2020-01-02T00:00:00Z\",\"2020-01-05T00:00:00Z\"]}"),
                false))
        .as("a time to the second covers that second")
        .isEqualTo(Instant.parse("2020-01-05T00:00:00.999Z"));
    assertThat(EffectiveDates.sortKey(observation("\"issued\":\"2020-01-01T00:00:00Z\""), false))
        .isNull();
  }

  @Test
  void twoSortedPagesMergeByDateKeepingEachOrderAndPuttingUndatedLast() {
    String r1 = observation("\"id\":\"r1\",\"effectiveDateTime\":\"2026-01-03T00:00:00Z\"");
    String r2 = observation("\"id\":\"r2\",\"effectiveDateTime\":\"2026-01-01T00:00:00Z\"");
    String s1 = observation("\"id\":\"s1\",\"effectiveDateTime\":\"2026-01-03T00:00:00Z\"");
    String s2 = observation("\"id\":\"s2\",\"effectiveDateTime\":\"2026-01-02\"");
    String s3 = observation("\"id\":\"s3\"");

    assertThat(VitalSignSearch.merged(List.of(r1, r2), List.of(s1, s2, s3), false))
        .as("newest first; a tie goes to the reading")
        .containsExactly(r1, s1, s2, r2, s3);
    assertThat(VitalSignSearch.merged(List.of(r2, r1), List.of(s2, s1, s3), true))
        .containsExactly(r2, s2, r1, s1, s3);
    assertThat(VitalSignSearch.merged(List.of(), List.of(s1), false)).containsExactly(s1);
  }

  @Test
  void lastnKeepsTheNewestOfEachCodeOverBothPartsAndListsAnObservationOnce() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    var device = item("http://loinc.org", "8867-4", "vs-1", now);
    var old = item("http://loinc.org", "8867-4", "hr-2020", now.minusSeconds(86_400 * 365));
    var undated = item("http://loinc.org", "8867-4", "hr-undated", null);
    var weight = item("http://loinc.org", "29463-7", "w", now.minusSeconds(60));
    var weightSnomed = item("http://snomed.info/sct", "27113001", "w", now.minusSeconds(60));

    assertThat(
            LastnController.newest(List.of(device), List.of(old, undated, weight, weightSnomed), 1)
                .stream()
                .map(LastnController.Item::id))
        .as("groups by code; one weight Observation with two codings is listed once")
        .containsExactly("w", "vs-1");
    assertThat(
            LastnController.newest(List.of(device), List.of(undated, old), 3).stream()
                .map(LastnController.Item::id))
        .containsExactly("vs-1", "hr-2020", "hr-undated");
  }

  private static LastnController.Item item(String system, String code, String id, Instant date) {
    return new LastnController.Item(system, code, id, date, new Observation());
  }

  private static String observation(String fields) {
    return "{\"resourceType\":\"Observation\"," + fields + "}";
  }
}
