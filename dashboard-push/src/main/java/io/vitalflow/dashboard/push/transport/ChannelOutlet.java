package io.vitalflow.dashboard.push.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;
import java.util.concurrent.TimeUnit;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * An outlet straight into a WebSocket's Netty channel, on its event loop: each message is the
 * frame's shared, already framed bytes ({@link Frame#websocket()}); one flush per batch; the
 * channel's writability is the back-pressure (the connection's queue holds the rest). Closing sends
 * a WebSocket close with the reason's status and code through Reactor Netty (so the close handshake
 * is its usual one).
 */
final class ChannelOutlet implements Outlet {

  private final Channel channel;
  private final WebsocketOutbound outbound;

  ChannelOutlet(Channel channel, WebsocketOutbound outbound) {
    this.channel = channel;
    this.outbound = outbound;
  }

  @Override
  public void execute(Runnable drain) {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      drain.run();
    } else {
      loop.execute(drain);
    }
  }

  @Override
  public boolean ready() {
    return channel.isWritable();
  }

  @Override
  public void write(Frame frame) {
    channel.write(frame.websocket(), channel.voidPromise());
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public void end(CloseReason reason) {
    if (reason == CloseReason.CLIENT_GONE) {
      channel.close();
      return;
    }
    outbound
        .sendClose(reason.status(), reason.code())
        .subscribe(done -> {}, error -> channel.close());
    channel
        .eventLoop()
        .schedule(() -> channel.close(), Connection.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void cut(CloseReason reason) {
    channel.close();
  }
}
