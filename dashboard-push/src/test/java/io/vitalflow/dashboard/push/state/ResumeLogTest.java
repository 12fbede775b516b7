package io.vitalflow.dashboard.push.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.push.protocol.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The resume log: what a reconnecting client can be replayed, and what it keeps (moved from
 * SlowClientTest).
 */
class ResumeLogTest {

  private static Frame vital(long seq, String patient, String code) {
    return Frame.of(
        seq,
        patient,
        "vital",
        "v|" + patient + "|" + code,
        ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8),
        "i:" + seq);
  }

  private static Frame alert(long seq, String patient) {
    return Frame.of(
        seq,
        patient,
        "alert",
        null,
        ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8),
        "i:" + seq);
  }

  @Test
  void replayLogCoversOnlyWhatItStillHas() {
    ResumeLog log = new ResumeLog(3, Duration.ofMinutes(5));
    long now = System.nanoTime();
    for (int i = 1; i <= 5; i++) {
      log.add(alert(i, i % 2 == 0 ? "p2" : "p1"), now);
    }
    assertThat(log.covers(2, 5)).isTrue();
    assertThat(log.covers(1, 5)).isFalse();
    assertThat(log.covers(6, 5)).isFalse();
    assertThat(log.since(2, Set.of("p1"))).extracting(Frame::seq).containsExactly(3L, 5L);
    log.prune(now + Duration.ofMinutes(6).toNanos());
    assertThat(log.covers(4, 5)).isFalse();
    assertThat(log.covers(5, 5)).isTrue();
  }

  @Test
  void replayLogKeepsTheLatestValuePerKeyAndEveryAlert() {
    ResumeLog log = new ResumeLog(100, Duration.ofMinutes(5));
    long now = System.nanoTime();
    log.add(vital(1, "p1", "8867-4"), now);
    log.add(alert(2, "p1"), now);
    log.add(vital(3, "p1", "8867-4"), now);
    log.add(vital(4, "p1", "59408-5"), now);
    log.add(vital(5, "p1", "8867-4"), now);
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.covers(0, 5)).isTrue();
    assertThat(log.since(0, Set.of("p1"))).extracting(Frame::seq).containsExactly(2L, 4L, 5L);
    assertThat(log.since(4, Set.of("p1"))).extracting(Frame::seq).containsExactly(5L);
  }
}
