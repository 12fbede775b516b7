package io.vitalflow.dashboard.push.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-key throttle of live values (moved from SlowClientTest). */
class ThrottleTest {

  @Test
  void throttleLetsTheFirstThroughAndTheLatestAfterTheInterval() {
    Throttle throttle = new Throttle(Duration.ofSeconds(1));
    List<String> emitted = new ArrayList<>();
    long t = 0;
    throttle.offer("k", () -> emitted.add("a"), t);
    throttle.offer("k", () -> emitted.add("b"), t + 100_000_000L);
    throttle.offer("k", () -> emitted.add("c"), t + 200_000_000L);
    throttle.flush(t + 500_000_000L);
    assertThat(emitted).containsExactly("a");
    throttle.flush(t + 1_000_000_000L);
    assertThat(emitted).containsExactly("a", "c");
    throttle.flush(t + 3_000_000_000L);
    assertThat(emitted).containsExactly("a", "c");
  }
}
