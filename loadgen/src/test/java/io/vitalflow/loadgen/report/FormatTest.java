package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void keepsThreeSignificantDigitsBelowOneThousand() {
    assertThat(Format.significant(0.012345)).isEqualTo("0.0123");
    assertThat(Format.significant(1.5)).isEqualTo("1.5");
    assertThat(Format.significant(12.34)).isEqualTo("12.3");
    assertThat(Format.significant(67)).isEqualTo("67");
    assertThat(Format.significant(423.6)).isEqualTo("424");
    assertThat(Format.significant(40870.4)).isEqualTo("40,870");
    assertThat(Format.significant(0)).isEqualTo("0");
    assertThat(Format.significant(2e300)).isEqualTo("2.00e+300");
    assertThat(Format.significant(Double.NaN)).isEqualTo(Format.NONE);
  }

  @Test
  void formatsRatesDurationsAndAxisLabels() {
    assertThat(Format.percent(0.0023)).isEqualTo("0.23%");
    assertThat(Format.duration(Duration.ofMillis(45_200))).isEqualTo("45.2 s");
    assertThat(Format.duration(Duration.ofSeconds(690))).isEqualTo("11 min 30 s");
    assertThat(Format.duration(Duration.ofSeconds(3723))).isEqualTo("1 h 2 min 3 s");
    assertThat(Format.axis(25_000)).isEqualTo("25k");
    assertThat(Format.axis(3_500_000)).isEqualTo("3.5M");
    assertThat(Format.axis(0.25)).isEqualTo("0.25");
    assertThat(Format.axis(8e299)).isEqualTo("8e+299");
  }
}
