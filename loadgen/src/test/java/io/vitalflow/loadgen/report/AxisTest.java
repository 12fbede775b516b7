package io.vitalflow.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AxisTest {

  @Test
  void linearAxisEndsOnARoundNumberAboveTheData() {
    Axis axis = Axis.linear("ms", 87);

    assertThat(axis.ticks())
        .extracting(Axis.Tick::label)
        .containsExactly("0", "20", "40", "60", "80", "100");
    assertThat(axis.fraction(50)).isEqualTo(0.5);
  }

  @Test
  void degenerateMaximaGiveAUsableAxis() {
    for (double max : new double[] {0, -5, Double.NaN, 1e-12}) {
      assertThat(Axis.linear("x", max).ticks()).last().extracting(Axis.Tick::label).isEqualTo("1");
    }
    Axis huge = Axis.linear("x", Double.POSITIVE_INFINITY);
    assertThat(huge.ticks()).allSatisfy(tick -> assertThat(tick.value()).isFinite());
    assertThat(huge.fraction(Double.MAX_VALUE)).isEqualTo(1);
  }

  @Test
  void fractionStaysWithinTheAxis() {
    Axis axis = Axis.linear("x", 10);

    assertThat(axis.fraction(Double.NaN)).isZero();
    assertThat(axis.fraction(-3)).isZero();
    assertThat(axis.fraction(Double.POSITIVE_INFINITY)).isEqualTo(1);
    assertThat(axis.fraction(Double.NEGATIVE_INFINITY)).isZero();
  }

  @Test
  void ninesAxisLabelsThePercentileSpectrum() {
    assertThat(Axis.nines(4).ticks())
        .extracting(Axis.Tick::label)
        .containsExactly("0%", "90%", "99%", "99.9%", "99.99%");
    assertThat(Axis.nines(4).fraction(2)).isEqualTo(0.5);
  }
}
