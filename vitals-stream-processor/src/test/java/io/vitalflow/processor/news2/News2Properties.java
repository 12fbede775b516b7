package io.vitalflow.processor.news2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.processor.news2.News2.AirOrOxygen;
import io.vitalflow.processor.news2.News2.Consciousness;
import io.vitalflow.processor.news2.News2.Observations;
import io.vitalflow.processor.news2.News2.Result;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class News2Properties {

  @Property
  void scoreIsBetweenZeroAndTwenty(@ForAll("observations") Observations o) {
    Result r = News2.score(o);
    assertThat(r.score()).isBetween(0, 20);
    assertThat(r.score())
        .isEqualTo(r.components().values().stream().mapToInt(Integer::intValue).sum());
    assertThat(r.components().values()).allSatisfy(s -> assertThat(s).isBetween(0, 3));
  }

  @Property
  void fasterBreathingAboveNormalNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 12, max = 60) double rate,
      @ForAll @DoubleRange(min = 0, max = 30) double more) {
    assertNotBetter(o.withRespirationRate(rate), o.withRespirationRate(rate + more));
  }

  @Property
  void slowerBreathingBelowNormalNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 0, max = 20) double rate,
      @ForAll @DoubleRange(min = 0, max = 20) double less) {
    assertNotBetter(o.withRespirationRate(rate), o.withRespirationRate(Math.max(0, rate - less)));
  }

  @Property
  void lowerSaturationNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 50, max = 100) double spo2,
      @ForAll @DoubleRange(min = 0, max = 50) double less) {
    assertNotBetter(o.withSpo2(spo2), o.withSpo2(spo2 - less));
  }

  @Property
  void lowerPressureBelowNormalNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 40, max = 219) double sbp,
      @ForAll @DoubleRange(min = 0, max = 100) double less) {
    assertNotBetter(o.withSystolicBp(sbp), o.withSystolicBp(Math.max(40, sbp - less)));
  }

  @Property
  void fasterPulseAboveNormalNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 51, max = 250) double pulse,
      @ForAll @DoubleRange(min = 0, max = 100) double more) {
    assertNotBetter(o.withPulse(pulse), o.withPulse(pulse + more));
  }

  @Property
  void colderBelowNormalNeverLowersTheScore(
      @ForAll("observations") Observations o,
      @ForAll @DoubleRange(min = 30, max = 38) double temp,
      @ForAll @DoubleRange(min = 0, max = 8) double less) {
    assertNotBetter(o.withTemperature(temp), o.withTemperature(temp - less));
  }

  @Property
  void oxygenAndAlteredConsciousnessNeverLowerTheScore(
      @ForAll("observations") Observations o, @ForAll Consciousness level) {
    assertNotBetter(o.withAirOrOxygen(AirOrOxygen.AIR), o.withAirOrOxygen(AirOrOxygen.OXYGEN));
    assertNotBetter(o.withConsciousness(Consciousness.ALERT), o.withConsciousness(level));
  }

  private static void assertNotBetter(Observations before, Observations worse) {
    Result a = News2.score(before);
    Result b = News2.score(worse);
    assertThat(b.score()).isGreaterThanOrEqualTo(a.score());
    assertThat(b.band().ordinal()).isGreaterThanOrEqualTo(a.band().ordinal());
  }

  @Provide
  Arbitrary<Observations> observations() {
    Arbitrary<Double> rr = Arbitraries.doubles().between(0, 80).injectNull(0.2);
    Arbitrary<Double> spo2 = Arbitraries.doubles().between(40, 100).injectNull(0.2);
    Arbitrary<Double> sbp = Arbitraries.doubles().between(30, 300).injectNull(0.2);
    Arbitrary<Double> pulse = Arbitraries.doubles().between(0, 300).injectNull(0.2);
    Arbitrary<Double> temp = Arbitraries.doubles().between(25, 45).injectNull(0.2);
    Arbitrary<Consciousness> level = Arbitraries.of(Consciousness.class).injectNull(0.3);
    Arbitrary<AirOrOxygen> air = Arbitraries.of(AirOrOxygen.class).injectNull(0.3);
    return Combinators.combine(rr, spo2, sbp, pulse, temp, level, air).as(Observations::new);
  }
}
