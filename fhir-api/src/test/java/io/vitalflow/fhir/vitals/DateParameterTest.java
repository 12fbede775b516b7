package io.vitalflow.fhir.vitals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.fhir.search.InvalidSearchException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateParameterTest {

  @ParameterizedTest
  @CsvSource({
    "2026, EQ, 2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z",
    "ge2026-02, GE, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z",
    "lt2026-11-27, LT, 2026-11-27T00:00:00Z, 2026-11-28T00:00:00Z",
    "gt2026-11-27T10:15, GT, 2026-11-27T10:15:00Z, 2026-11-27T10:16:00Z",
    "le2026-11-27T10:15:30+01:00, LE, 2026-11-27T09:15:30Z, 2026-11-27T09:15:31Z",
    "eq2026-11-27T10:15:30.12Z, EQ, 2026-11-27T10:15:30.120Z, 2026-11-27T10:15:30.130Z",
    "sa2026-11-27T10:15:30.123Z, SA, 2026-11-27T10:15:30.123Z, 2026-11-27T10:15:30.124Z"
  })
  void partialDatesCoverTheirRange(
      String value, DateParameter.Prefix prefix, Instant low, Instant high) {
    assertThat(DateParameter.parse(value)).isEqualTo(new DateParameter(prefix, low, high));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ap2026",
        "2026-13",
        "2026-02-30",
        "26-01-01",
        "ge",
        "2026-01-01T25:00Z",
        "today",
        "2026-01-01T10"
      })
  void malformedDatesAreRefused(String value) {
    assertThatThrownBy(() -> DateParameter.parse(value))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageStartingWith("date: ");
  }

  @Test
  void prefixesCompareThePointWithTheRange() {
    assertThat(DateParameter.parse("eq2026").sql("t", "a"))
        .isEqualTo("(t >= :alow and t < :ahigh)");
    assertThat(DateParameter.parse("gt2026").sql("t", "a")).isEqualTo("t >= :ahigh");
    assertThat(DateParameter.parse("ge2026").sql("t", "a")).isEqualTo("t >= :alow");
    assertThat(DateParameter.parse("lt2026").sql("t", "a")).isEqualTo("t < :alow");
    assertThat(DateParameter.parse("le2026").sql("t", "a")).isEqualTo("t < :ahigh");
    assertThat(DateParameter.parse("ne2026").sql("t", "a")).isEqualTo("(t < :alow or t >= :ahigh)");
  }
}
