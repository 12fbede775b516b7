package io.vitalflow.dashboard.push.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vitalflow.audit.AuditUnavailableException;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A WebSocket's frames from the client, in the channel's pipeline just before Reactor Netty's:
 * every frame is a sign of life; text and binary messages go to the {@link DashboardService} one at
 * a time, in order (the next one after the previous one's work completed; reading from the socket
 * pauses meanwhile). Pings and closes go on to Reactor Netty, which answers them. Nothing is
 * handled before the subscription named in the URL is in force ({@link #start}). Also tells the
 * connection when the channel becomes writable again.
 */
final class InboundFrames extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(InboundFrames.class);
  private static final Object BINARY = new Object();

  private final Connection connection;
  private final DashboardService service;
  private final WebSocketAudit audit;
  private ChannelHandlerContext context;
  private ArrayDeque<Object> waiting;
  private boolean busy = true;

  InboundFrames(Connection connection, DashboardService service, WebSocketAudit audit) {
    this.connection = connection;
    this.service = service;
    this.audit = audit;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  /**
   * The URL's subscription is in force: handle what the client sent meanwhile, then whatever comes.
   */
  void start() {
    context.executor().execute(this::next);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.heard();
    if (msg instanceof PingWebSocketFrame || msg instanceof CloseWebSocketFrame) {
      ctx.fireChannelRead(msg);
      return;
    }
    Object message =
        msg instanceof TextWebSocketFrame text
            ? text.text()
            : msg instanceof BinaryWebSocketFrame ? BINARY : null;
    ReferenceCountUtil.release(msg);
    if (message == null) {
      return; // a pong or a continuation frame: a sign of life only
    }
    if (busy) {
      if (waiting == null) {
        waiting = new ArrayDeque<>(4);
      }
      waiting.add(message);
      ctx.channel().config().setAutoRead(false);
    } else {
      handle(message);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      connection.signal();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** A frame written after the peer went away fails with this; the connection is ending anyway. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ClosedChannelException) {
      connection.close(CloseReason.CLIENT_GONE);
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void handle(Object message) {
    busy = true;
    Mono<DashboardService.Outcome> work;
    if (message == BINARY) {
      work = service.binary(connection);
    } else {
      try {
        audit.admit(); // fail closed: nothing is served unrecorded
        work = service.receive(connection, (String) message);
      } catch (AuditUnavailableException e) {
        work = Mono.just(service.auditUnavailable(connection));
      }
    }
    work.doFinally(signal -> context.executor().execute(this::next))
        .subscribe(
            outcome ->
                audit.message(connection.identity, context.channel().remoteAddress(), outcome),
            error -> log.warn("A client message failed: {}", error.toString()));
  }

  private void next() {
    Object message = waiting == null ? null : waiting.poll();
    if (message != null) {
      handle(message);
      return;
    }
    waiting = null;
    busy = false;
    context.channel().config().setAutoRead(true);
  }
}
