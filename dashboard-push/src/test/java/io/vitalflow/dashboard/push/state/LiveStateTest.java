package io.vitalflow.dashboard.push.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.push.protocol.Payloads;
import io.vitalflow.dashboard.push.protocol.Payloads.PatientSnapshot;
import io.vitalflow.dashboard.push.protocol.Payloads.VitalValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveStateTest {

  private static final Instant T0 = Instant.parse("2026-12-06T02:00:00Z");

  private final MovableClock clock = new MovableClock(T0);
  private final LiveState state = new LiveState(100, 10, clock);

  @Test
  void aReadingDatedAheadDoesNotHideTheRealReadingsBeforeItsTime() {
    assertThat(state.vital("p1", heartRate(70, T0.minusSeconds(1)))).isTrue();

    assertThat(state.vital("p1", heartRate(150, T0.plusSeconds(115))))
        .as("held, not pushed")
        .isFalse();
    assertThat(latestHeartRate()).isEqualTo(70);

    clock.now = T0.plusSeconds(1);
    assertThat(state.vital("p1", heartRate(40, T0.plusSeconds(1))))
        .as("the real reading is pushed")
        .isTrue();
    assertThat(latestHeartRate()).isEqualTo(40);
  }

  @Test
  void aHeldReadingBecomesTheLatestOnceItsTimeHasCome() {
    state.vital("p1", heartRate(70, T0.minusSeconds(1)));
    state.vital("p1", heartRate(72, T0.plusSeconds(3)));
    assertThat(latestHeartRate()).isEqualTo(70);

    clock.now = T0.plusSeconds(3);
    assertThat(latestHeartRate()).isEqualTo(72);
    assertThat(state.vital("p1", heartRate(71, T0.plusSeconds(2))))
        .as("older than the applied one")
        .isFalse();
    assertThat(latestHeartRate()).isEqualTo(72);
  }

  @Test
  void aHeldReadingOvertakenByANewerRealOneIsDropped() {
    state.vital("p1", heartRate(150, T0.plusSeconds(2)));
    clock.now = T0.plusSeconds(5);
    assertThat(state.vital("p1", heartRate(75, T0.plusSeconds(4)))).isTrue();
    assertThat(latestHeartRate()).isEqualTo(75);
  }

  private double latestHeartRate() {
    PatientSnapshot snapshot = state.snapshot("p1", null, List.of());
    return snapshot.vitals().stream()
        .filter(v -> v.code().equals("8867-4"))
        .findFirst()
        .orElseThrow()
        .value();
  }

  private static VitalValue heartRate(double value, Instant time) {
    return new VitalValue("8867-4", value, "/min", Payloads.time(time), "d1");
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
