package io.vitalflow.loadgen.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.loadgen.fhir.OperationMix.Operation;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OperationMixTest {

  @Test
  void splitsTheUnitIntervalAtTheCumulativeShares() {
    OperationMix mix = OperationMix.parse("60,30,10");
    assertThat(mix.pick(0.0)).isEqualTo(Operation.READ);
    assertThat(mix.pick(0.5999)).isEqualTo(Operation.READ);
    assertThat(mix.pick(0.6)).isEqualTo(Operation.CREATE);
    assertThat(mix.pick(0.8999)).isEqualTo(Operation.CREATE);
    assertThat(mix.pick(0.9)).isEqualTo(Operation.DELETE);
    assertThat(mix.pick(0.99999)).isEqualTo(Operation.DELETE);
  }

  @Test
  void drawsMatchTheConfiguredProportions() {
    OperationMix mix = OperationMix.parse("60,30,10");
    SplittableRandom random = new SplittableRandom(42);
    Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
    int draws = 1_000_000;
    for (int i = 0; i < draws; i++) {
      counts.merge(mix.pick(random.nextDouble()), 1, Integer::sum);
    }
    assertThat(counts.get(Operation.READ) / (double) draws).isBetween(0.597, 0.603);
    assertThat(counts.get(Operation.CREATE) / (double) draws).isBetween(0.297, 0.303);
    assertThat(counts.get(Operation.DELETE) / (double) draws).isBetween(0.097, 0.103);
  }

  @Test
  void zeroShareIsNeverPicked() {
    OperationMix mix = OperationMix.parse("0,100,0");
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      assertThat(mix.pick(random.nextDouble())).isEqualTo(Operation.CREATE);
    }
  }

  @Test
  void rejectsSharesThatDoNotAddUp() {
    assertThatThrownBy(() -> OperationMix.parse("60,30"))
        .hasMessageContaining("READ,CREATE,DELETE");
    assertThatThrownBy(() -> OperationMix.parse("60,30,20")).hasMessageContaining("summing to 100");
    assertThatThrownBy(() -> OperationMix.parse("60,50,-10")).hasMessageContaining("at least 0");
    assertThatThrownBy(() -> OperationMix.parse("60,30,x")).hasMessageContaining("whole number");
  }
}
