package io.vitalflow.dashboard.push.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.Frame;
import io.vitalflow.dashboard.push.state.Hub;
import io.vitalflow.dashboard.push.state.ResumeLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fan-out: one encoding per event, the very same bytes written to every watcher's channel. */
class FanOutTest {

  private final PushMetrics metrics = PushMetrics.forTests();
  private final Hub hub = new Hub(new ResumeLog(1000, Duration.ofMinutes(5)), metrics);

  private EmbeddedChannel watcher(String patientId) {
    EmbeddedChannel channel = new EmbeddedChannel();
    Connection connection =
        new Connection(Transport.WEBSOCKET, ClientIdentity.ANONYMOUS, 16, metrics);
    connection.attach(new ChannelOutlet(channel, null));
    hub.opened(connection);
    hub.subscribe(
        connection,
        new Connection.Subscription(null, Set.of(patientId)),
        null,
        null,
        ids -> List.of());
    channel.runPendingTasks();
    drop(channel); // subscribed + snapshot
    return channel;
  }

  private static void drop(EmbeddedChannel channel) {
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      buf.release();
    }
  }

  private static String decode(ByteBuf wire) {
    EmbeddedChannel client =
        new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    client.writeInbound(wire);
    TextWebSocketFrame frame = client.readInbound();
    String text = frame.text();
    frame.release();
    return text;
  }

  @Test
  void anEventIsEncodedOnceAndEveryWatcherGetsTheSameBytes() {
    List<EmbeddedChannel> watchers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      watchers.add(watcher("p-1"));
    }
    EmbeddedChannel other = watcher("p-2");

    hub.publish("p-1", "vital", "v|p-1|8867-4", Map.of("code", "8867-4", "value", 71.0));

    assertThat(metrics.framesEncoded.count()).isEqualTo(1.0);
    byte[] shared = null;
    for (EmbeddedChannel channel : watchers) {
      channel.runPendingTasks();
      ByteBuf wire = channel.readOutbound();
      assertThat(channel.<ByteBuf>readOutbound()).isNull();
      shared = shared == null ? wire.array() : shared;
      assertThat(wire.array()).isSameAs(shared);
      assertThat(decode(wire))
          .startsWith("{\"type\":\"vital\",\"seq\":1,\"patientId\":\"p-1\"")
          .contains("\"value\":71.0");
    }
    other.runPendingTasks();
    assertThat(other.<ByteBuf>readOutbound()).isNull();
  }

  @Test
  void framesOfEverySizeAreValidWebSocketTextFrames() {
    for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
      String json = "\"" + "x".repeat(Math.max(0, length - 2)) + "\"";
      json = length < 2 ? "x".repeat(length) : json;
      Frame frame = Frame.control("test", json.getBytes(StandardCharsets.UTF_8));
      assertThat(decode(frame.websocket())).isEqualTo(json);
      assertThat(frame.text()).isEqualTo(json);
      assertThat(new String(frame.sse(), StandardCharsets.UTF_8))
          .isEqualTo("data: " + json + "\n\n");
    }
  }

  @Test
  void watchersOfAPatientShareOneInstanceOfItsId() {
    Connection first = new Connection(Transport.WEBSOCKET, ClientIdentity.ANONYMOUS, 16, metrics);
    Connection second = new Connection(Transport.WEBSOCKET, ClientIdentity.ANONYMOUS, 16, metrics);
    for (Connection connection : List.of(first, second)) {
      hub.opened(connection);
      String parsed = new String("p-7".toCharArray()); // as if parsed from each client's request
      hub.subscribe(
          connection,
          new Connection.Subscription(null, Set.of(parsed, "p-8")),
          null,
          null,
          ids -> List.of());
    }
    String firstId = first.subscription().patients().iterator().next();
    String secondId = second.subscription().patients().iterator().next();
    assertThat(secondId).isSameAs(firstId);
    assertThat(first.subscription().patients()).containsExactlyInAnyOrder("p-7", "p-8");
  }

  @Test
  void aSlowChannelKeepsOnlyTheLatestValueQueued() {
    EmbeddedChannel channel = watcher("p-1");
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    channel.write(
        Unpooled.wrappedBuffer(new byte[64])); // written, not flushed: as if the socket were full
    assertThat(channel.isWritable()).isFalse();
    for (int i = 0; i < 5; i++) {
      hub.publish("p-1", "vital", "v|p-1|8867-4", Map.of("code", "8867-4", "value", 70.0 + i));
    }
    channel.runPendingTasks();
    assertThat(metrics.framesCoalesced.count()).isEqualTo(4.0);
    assertThat(metrics.framesSent.count()).isEqualTo(2.0); // subscribed and snapshot only
  }
}
