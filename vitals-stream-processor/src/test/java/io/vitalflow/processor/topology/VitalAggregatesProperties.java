package io.vitalflow.processor.topology;

import static io.vitalflow.processor.topology.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitalflow.schemas.Loinc;
import io.vitalflow.schemas.VitalAggregate;
import io.vitalflow.schemas.VitalSign;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fold behind every window: {@code min ≤ mean ≤ max}, and the same result whatever the arrival
 * order.
 */
class VitalAggregatesProperties {

  static final Instant WINDOW = Instant.parse("2026-03-01T10:00:00Z");

  @Property
  void meanLiesBetweenMinAndMax(@ForAll("readings") List<VitalSign> readings) {
    VitalAggregate a = fold(readings);
    assertThat(a.getMin()).isLessThanOrEqualTo(a.getMean());
    assertThat(a.getMean()).isLessThanOrEqualTo(a.getMax());
    assertThat(a.getCount()).isEqualTo(readings.size());
    assertThat(a.getMin())
        .isEqualTo(readings.stream().mapToDouble(VitalSign::getValue).min().orElseThrow());
    assertThat(a.getMax())
        .isEqualTo(readings.stream().mapToDouble(VitalSign::getValue).max().orElseThrow());
    assertThat(a.getLastTime())
        .isEqualTo(
            readings.stream()
                .map(VitalSign::getEffectiveTime)
                .max(Instant::compareTo)
                .orElseThrow());
  }

  @Property
  void arrivalOrderDoesNotMatter(
      @ForAll("readings") List<VitalSign> readings, @ForAll Random random) {
    List<VitalSign> shuffled = new ArrayList<>(readings);
    Collections.shuffle(shuffled, random);
    assertSameAggregate(fold(shuffled), fold(readings));
  }

  @Example
  void roundingNeverPushesTheMeanOutOfRange() {
    Instant t = WINDOW.plusSeconds(1);
    VitalAggregate a =
        fold(
            List.of(
                reading("p", Loinc.BODY_TEMPERATURE, 0.1, t),
                reading("p", Loinc.BODY_TEMPERATURE, 0.1, t.plusSeconds(1)),
                reading("p", Loinc.BODY_TEMPERATURE, 0.1, t.plusSeconds(2))));
    assertThat(a.getSum() / a.getCount()).isGreaterThan(0.1); // what plain division gives
    assertThat(a.getMean()).isEqualTo(0.1);
  }

  static void assertSameAggregate(VitalAggregate actual, VitalAggregate expected) {
    assertThat(actual.getWindowStart()).isEqualTo(expected.getWindowStart());
    assertThat(actual.getWindowEnd()).isEqualTo(expected.getWindowEnd());
    assertThat(actual.getCode()).isEqualTo(expected.getCode());
    assertThat(actual.getCount()).isEqualTo(expected.getCount());
    assertThat(actual.getMin()).isEqualTo(expected.getMin());
    assertThat(actual.getMax()).isEqualTo(expected.getMax());
    assertThat(actual.getLast()).isEqualTo(expected.getLast());
    assertThat(actual.getLastTime()).isEqualTo(expected.getLastTime());
    double tolerance = 1e-9 * Math.max(1, Math.abs(expected.getSum()));
    assertThat(actual.getSum()).isCloseTo(expected.getSum(), within(tolerance));
    assertThat(actual.getMean()).isCloseTo(expected.getMean(), within(tolerance));
  }

  private static VitalAggregate fold(List<VitalSign> readings) {
    VitalAggregate a = null;
    for (VitalSign r : readings) {
      a = VitalAggregates.add(a, r, WINDOW, WINDOW.plusSeconds(60));
    }
    return a;
  }

  /** Heart rates within one minute, with repeated values and repeated effective times. */
  @Provide
  Arbitrary<List<VitalSign>> readings() {
    Arbitrary<Double> values =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(20, 250).ofScale(2),
            Arbitraries.of(0.1, 36.6, 60.0, 72.3));
    Arbitrary<Integer> seconds = Arbitraries.integers().between(0, 59);
    return Combinators.combine(values, seconds)
        .as((value, second) -> reading("p", Loinc.HEART_RATE, value, WINDOW.plusSeconds(second)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }
}
