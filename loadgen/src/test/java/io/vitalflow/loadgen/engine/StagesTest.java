package io.vitalflow.loadgen.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StagesTest {

  private static long at(double seconds) {
    return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void rampsLinearlyFromZeroHoldsAndRampsDown() {
    Stages stages = Stages.parse("30s:200,120s:200,10s:0");
    assertThat(stages.total()).isEqualTo(Duration.ofSeconds(160));
    assertThat(stages.peak()).isEqualTo(200);
    assertThat(stages.targetAt(0)).isZero();
    assertThat(stages.targetAt(at(3))).isEqualTo(20);
    assertThat(stages.targetAt(at(15))).isEqualTo(100);
    assertThat(stages.targetAt(at(29.99))).isEqualTo(200);
    assertThat(stages.targetAt(at(30))).isEqualTo(200);
    assertThat(stages.targetAt(at(149.9))).isEqualTo(200);
    assertThat(stages.targetAt(at(155))).isEqualTo(100);
    assertThat(stages.targetAt(at(159))).isEqualTo(20);
    assertThat(stages.targetAt(at(160))).isZero();
    assertThat(stages.targetAt(at(1000))).isZero();
  }

  @Test
  void eachStageStartsFromThePreviousTarget() {
    Stages stages = Stages.parse("10s:100, 10s:300,500ms:300,0s:50,10s:50");
    assertThat(stages.targetAt(at(5))).isEqualTo(50);
    assertThat(stages.targetAt(at(15))).isEqualTo(200);
    assertThat(stages.targetAt(at(20.2))).isEqualTo(300);
    // a stage of length 0 jumps
    assertThat(stages.targetAt(at(20.5))).isEqualTo(50);
    assertThat(stages.targetAt(at(30.5))).isEqualTo(50);
    assertThat(stages.total()).isEqualTo(Duration.ofMillis(30_500));
    assertThat(stages).hasToString("10s:100,10s:300,500ms:300,0s:50,10s:50");
  }

  @Test
  void targetNeverLeavesTheRangeOfItsStage() {
    Stages stages = Stages.parse("7s:13,3s:5");
    for (long ms = 0; ms <= 10_000; ms++) {
      int target = stages.targetAt(TimeUnit.MILLISECONDS.toNanos(ms));
      assertThat(target).isBetween(ms <= 7000 ? 0 : 5, 13);
    }
  }

  @Test
  void rejectsMalformedStages() {
    assertThatThrownBy(() -> Stages.parse("30s")).hasMessageContaining("DURATION:TARGET");
    assertThatThrownBy(() -> Stages.parse("30x:10")).hasMessageContaining("--stages duration");
    assertThatThrownBy(() -> Stages.parse("30s:-1"))
        .hasMessageContaining("--stages target must be at least 0");
    assertThatThrownBy(() -> Stages.parse("30s:ten")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> Stages.parse("30s:10,")).hasMessageContaining("DURATION:TARGET");
  }
}
