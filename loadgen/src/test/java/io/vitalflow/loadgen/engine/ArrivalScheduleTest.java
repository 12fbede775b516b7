package io.vitalflow.loadgen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

  private static List<Long> all(String stages) {
    ArrivalSchedule schedule = new ArrivalSchedule(Stages.parse(stages));
    List<Long> times = new ArrayList<>();
    for (long t = schedule.next(); t >= 0; t = schedule.next()) {
      times.add(t);
    }
    return times;
  }

  @Test
  void aConstantRateGivesEvenlySpacedArrivals() {
    // a stage ramps from the previous target, so hold 1,000/s with a zero-length ramp first
    List<Long> times = all("0s:1000,2s:1000");
    assertThat(times).hasSize(2000);
    assertThat(times.get(0)).isZero();
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i) - times.get(i - 1)).isEqualTo(1_000_000L);
    }
  }

  @Test
  void aRampSendsAboutTheAreaUnderTheRateCurve() {
    // 0 -> 1,000/s over 10 s: 5,000 arrivals, then 1,000/s for 5 s: 5,000 more
    List<Long> times = all("10s:1000,5s:1000");
    assertThat(times.size()).isBetween(9_800, 10_100);
    assertThat(times).isSorted();
    long firstHalf = times.stream().filter(t -> t < 5_000_000_000L).count();
    long secondHalf =
        times.stream().filter(t -> t >= 5_000_000_000L && t < 10_000_000_000L).count();
    assertThat(secondHalf).isGreaterThan(2 * firstHalf);
  }

  @Test
  void stretchesAtRateZeroSendNothing() {
    List<Long> times = all("0s:100,1s:100,0s:0,1s:0,0s:100,1s:100");
    assertThat(times).hasSize(200);
    assertThat(times).noneMatch(t -> t >= 1_000_000_000L && t < 2_000_000_000L);
  }
}
