package io.vitalflow.dashboard.push.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The per-connection queue: coalescing of values, alerts never dropped, overflow closes with a
 * reason.
 */
class SlowClientTest {

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

  private static List<Frame> drain(ConnectionQueue queue) {
    List<Frame> frames = new ArrayList<>();
    Frame frame;
    while ((frame = queue.poll()) != null) {
      frames.add(frame);
    }
    return frames;
  }

  @Test
  void coalescingKeepsTheLatestValuePerPatientAndCodeInSequenceOrder() {
    ConnectionQueue queue = new ConnectionQueue(10);
    assertThat(queue.offer(vital(1, "p1", "8867-4"))).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(queue.offer(vital(2, "p1", "59408-5"))).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(queue.offer(vital(3, "p2", "8867-4"))).isEqualTo(ConnectionQueue.Offer.QUEUED);
    assertThat(queue.offer(vital(4, "p1", "8867-4"))).isEqualTo(ConnectionQueue.Offer.COALESCED);
    assertThat(queue.offer(vital(5, "p1", "8867-4"))).isEqualTo(ConnectionQueue.Offer.COALESCED);

    assertThat(drain(queue)).extracting(Frame::seq).containsExactly(2L, 3L, 5L);
  }

  @Test
  void alertsAreNeverCoalescedAway() {
    ConnectionQueue queue = new ConnectionQueue(10);
    queue.offer(alert(1, "p1"));
    queue.offer(vital(2, "p1", "8867-4"));
    queue.offer(alert(3, "p1"));
    queue.offer(vital(4, "p1", "8867-4"));
    queue.offer(alert(5, "p1"));

    assertThat(drain(queue)).extracting(Frame::seq).containsExactly(1L, 3L, 4L, 5L);
  }

  @Test
  void aFullQueueOverflowsInsteadOfGrowingButStillCoalesces() {
    ConnectionQueue queue = new ConnectionQueue(3);
    queue.offer(alert(1, "p1"));
    queue.offer(alert(2, "p1"));
    queue.offer(vital(3, "p1", "8867-4"));
    assertThat(queue.offer(vital(4, "p1", "8867-4"))).isEqualTo(ConnectionQueue.Offer.COALESCED);
    assertThat(queue.offer(alert(5, "p1"))).isEqualTo(ConnectionQueue.Offer.OVERFLOW);
    assertThat(queue.offer(vital(6, "p2", "8867-4"))).isEqualTo(ConnectionQueue.Offer.OVERFLOW);
    assertThat(queue.size()).isEqualTo(3);
  }

  @Test
  void aConnectionThatCannotKeepUpIsClosedWithAReason() {
    PushMetrics metrics = PushMetrics.forTests();
    Connection connection =
        new Connection(Transport.WEBSOCKET, ClientIdentity.ANONYMOUS, 16, metrics);
    StepVerifier.create(connection.outbound(), 1)
        .then(
            () -> {
              for (int i = 1; i <= 100; i++) {
                connection.offer(
                    vital(
                        i, "p1",
                        "8867-4")); // the first is sent, the rest coalesce: no reason to close
              }
            })
        .assertNext(frame -> assertThat(frame.seq()).isEqualTo(1L))
        .then(() -> assertThat(connection.pending()).isEqualTo(1))
        .then(
            () -> {
              for (int i = 101; i <= 116; i++) {
                connection.offer(alert(i, "p1"));
              }
            })
        .then(() -> assertThat(connection.isClosing()).isTrue())
        .thenRequest(10)
        .assertNext(
            frame -> {
              assertThat(frame.kind()).isEqualTo("error");
              assertThat(frame.text()).contains("\"code\":\"slow-client\"");
            })
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(connection.closed()).expectNext(CloseReason.SLOW_CLIENT).verifyComplete();
    assertThat(metrics.slowClientCloses.count()).isEqualTo(1.0);
    assertThat(metrics.framesCoalesced.count()).isEqualTo(98.0);
  }

  @Test
  void aClientThatReadsNothingAfterTheOverflowIsCut() {
    Connection connection =
        new Connection(Transport.SSE, ClientIdentity.ANONYMOUS, 16, PushMetrics.forTests());
    StepVerifier.create(connection.outbound(), 0)
        .then(
            () -> {
              for (int i = 1; i <= 17; i++) {
                connection.offer(alert(i, "p1"));
              }
            })
        .expectErrorMessage("connection closed: slow-client")
        .verify(Connection.CLOSE_GRACE.plusSeconds(3));
  }
}
