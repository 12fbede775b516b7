package io.vitalflow.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * One HTTP/1.1 connection's share of the {@link RequestGate}, just behind the HTTP codec. It counts
 * the connection, answers 503 with {@code Retry-After} (and {@code Connection: close}) to the
 * request of a connection over the connection limits or of a request whose body does not fit the
 * in-flight byte budget, and closes a connection whose request head takes longer than {@code
 * request-header-timeout} from its first byte (a {@link HeadClock} in front of the codec sees that
 * byte). Reserved bytes are given back when the response to the request ends or the connection
 * closes. A request body must arrive within {@code request-timeout} without pauses over {@code
 * body-read-timeout}. A connection upgraded to WebSocket keeps its count only. Reactor Netty's idle
 * timeout covers connections between requests ({@link LimitsCustomizer}).
 */
final class LimitsHandler extends ChannelDuplexHandler {

  static final String NAME = "vitalflow.limits";
  static final String CLOCK_NAME = "vitalflow.headClock";

  private final RequestGate gate;
  private final OverloadAnswer answer;
  private final HttpLimits limits;
  private InetAddress address;
  private boolean counted;
  private RequestGate.Admission admission = RequestGate.Admission.ADMITTED;

  /** Bytes reserved by each request whose response has not ended yet, oldest first. */
  private final ArrayDeque<long[]> reservations = new ArrayDeque<>();

  private long[] reading;
  private boolean awaitingHead = true;
  private boolean discarding;
  private boolean upgraded;
  private ScheduledFuture<?> headDeadline;
  private ScheduledFuture<?> bodyDeadline;
  private ScheduledFuture<?> bodyGapCheck;
  private long bodyReadAtNanos;

  LimitsHandler(RequestGate gate, OverloadAnswer answer) {
    this.gate = gate;
    this.answer = answer;
    this.limits = gate.limits();
  }

  /**
   * Puts a fresh handler into an HTTP/1.1 server pipeline (no-op for pipelines without Reactor's
   * codec).
   */
  static void install(ChannelPipeline pipeline, RequestGate gate, OverloadAnswer answer) {
    if (pipeline.get(NettyPipeline.HttpCodec) == null || pipeline.get(NAME) != null) {
      return;
    }
    LimitsHandler handler = new LimitsHandler(gate, answer);
    pipeline.addBefore(NettyPipeline.HttpCodec, CLOCK_NAME, handler.new HeadClock());
    pipeline.addAfter(NettyPipeline.HttpCodec, NAME, handler);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      admit(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    admit(ctx);
    if (ctx.channel().isOpen()) {
      ctx.fireChannelActive();
    }
  }

  private void admit(ChannelHandlerContext ctx) {
    if (counted) {
      return;
    }
    SocketAddress remote = ctx.channel().remoteAddress();
    address =
        remote instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress()
            : InetAddress.getLoopbackAddress();
    counted = true;
    admission = gate.openConnection(address);
    if (admission == RequestGate.Admission.REFUSED) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHeadDeadline();
    cancelBodyTimers();
    while (!reservations.isEmpty()) {
      gate.unreserve(address, reservations.poll()[0]);
    }
    reading = null;
    if (counted) {
      counted = false;
      gate.closeConnection(address);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgraded) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      awaitingHead = false;
      cancelHeadDeadline();
      onRequest(ctx, request);
      if (!discarding && msg instanceof LastHttpContent) {
        requestRead();
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      onContent(ctx, content);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    if (admission != RequestGate.Admission.ADMITTED) {
      reject(ctx, request, "The service has too many open connections; retry later.");
      return;
    }
    long declared = HttpUtil.getContentLength(request, -1L);
    RequestGate.Reason full = declared > 0 ? gate.reserve(address, declared) : null;
    if (full != null) {
      reject(
          ctx,
          request,
          full == RequestGate.Reason.IN_FLIGHT_BYTES
              ? "The service is receiving too many request bodies at once; retry later."
              : "Too many request bodies from this client at once; retry later.");
      return;
    }
    // a body without Content-Length is counted as it arrives (onContent)
    reading = new long[] {Math.max(0, declared), declared >= 0 ? 0 : 1};
    reservations.add(reading);
    if (declared > 0 || HttpUtil.isTransferEncodingChunked(request)) {
      startBodyTimers(ctx);
    }
    ctx.fireChannelRead(request);
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    if (discarding) {
      boolean last = content instanceof LastHttpContent;
      ReferenceCountUtil.release(content);
      if (last) {
        ctx.close();
      }
      return;
    }
    bodyReadAtNanos = System.nanoTime();
    long[] current = reading;
    if (current != null && current[1] == 1) {
      int size = content.content().readableBytes();
      if (size > 0 && gate.reserve(address, size) != null) {
        // a body of unknown length outgrew the budget after the application got its head: only
        // closing is left
        ReferenceCountUtil.release(content);
        ctx.close();
        return;
      }
      current[0] += size;
    }
    if (content instanceof LastHttpContent) {
      requestRead();
    }
    ctx.fireChannelRead(content);
  }

  /** The request's body is complete: the next bytes on this connection start a new request head. */
  private void requestRead() {
    reading = null;
    awaitingHead = true;
    cancelBodyTimers();
  }

  /**
   * The body must arrive within {@code request-timeout}, without a pause longer than {@code
   * body-read-timeout}. Only requests with a body get these (not a WebSocket upgrade or an SSE
   * request, which Reactor Netty's own request timeout would cut off). On expiry the body stream
   * fails ({@link BodyTimeoutException}, answered 408), and the connection is closed a second later
   * whatever the application does.
   */
  private void startBodyTimers(ChannelHandlerContext ctx) {
    cancelBodyTimers();
    bodyReadAtNanos = System.nanoTime();
    bodyDeadline =
        ctx.executor()
            .schedule(
                () -> bodyTimedOut(ctx, "request-timeout"),
                limits.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    scheduleGapCheck(ctx, limits.bodyReadTimeout().toNanos());
  }

  private void scheduleGapCheck(ChannelHandlerContext ctx, long inNanos) {
    bodyGapCheck =
        ctx.executor()
            .schedule(
                () -> {
                  long quiet = System.nanoTime() - bodyReadAtNanos;
                  long allowed = limits.bodyReadTimeout().toNanos();
                  if (quiet >= allowed) {
                    bodyTimedOut(ctx, "body-read-timeout");
                  } else {
                    scheduleGapCheck(ctx, allowed - quiet);
                  }
                },
                inNanos,
                TimeUnit.NANOSECONDS);
  }

  private void bodyTimedOut(ChannelHandlerContext ctx, String which) {
    cancelBodyTimers();
    if (!ctx.channel().isActive() || reading == null) {
      return;
    }
    reading = null;
    ctx.fireExceptionCaught(new BodyTimeoutException("request body not received within " + which));
    ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
  }

  private void cancelBodyTimers() {
    if (bodyDeadline != null) {
      bodyDeadline.cancel(false);
      bodyDeadline = null;
    }
    if (bodyGapCheck != null) {
      bodyGapCheck.cancel(false);
      bodyGapCheck = null;
    }
  }

  private void reject(ChannelHandlerContext ctx, HttpRequest request, String detail) {
    // a client waiting for 100-continue sends no body after a 503
    boolean bodyFollows =
        !(request instanceof LastHttpContent)
            && !HttpUtil.is100ContinueExpected(request)
            && (HttpUtil.getContentLength(request, -1L) > 0
                || HttpUtil.isTransferEncodingChunked(request));
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    ReferenceCountUtil.release(request);
    if (!reservations.isEmpty()) {
      // a pipelined request behind one still being answered: an answer now would overtake that one
      ctx.close();
      return;
    }
    OverloadAnswer.Body body =
        answer.body(503, path.length() > 200 ? path.substring(0, 200) : path, detail);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            Unpooled.wrappedBuffer(body.bytes()));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, body.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.bytes().length)
        .set(HttpHeaderNames.RETRY_AFTER, Long.toString(limits.retryAfter().toSeconds()))
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (bodyFollows) {
      // read and drop the body so that the client sees the answer (closing on unread bytes resets
      // the
      // connection), but not for longer than a request head may take
      discarding = true;
      ctx.writeAndFlush(response);
      ctx.executor()
          .schedule(
              () -> ctx.close(), limits.requestHeaderTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!upgraded
        && msg instanceof HttpResponse response
        && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
      upgraded = true;
      cancelHeadDeadline();
    }
    if (msg instanceof LastHttpContent && !reservations.isEmpty()) {
      long[] done = reservations.poll();
      if (done == reading) {
        reading = null; // answered before its body ended: what still comes is not counted
        cancelBodyTimers();
      }
      gate.unreserve(address, done[0]);
    }
    ctx.write(msg, promise);
  }

  private void startHeadDeadline(ChannelHandlerContext ctx) {
    if (headDeadline == null && awaitingHead && !upgraded) {
      headDeadline =
          ctx.executor()
              .schedule(
                  () -> {
                    headDeadline = null;
                    if (awaitingHead && !upgraded && ctx.channel().isActive()) {
                      gate.count(RequestGate.Reason.HEADER_TIMEOUT);
                      ctx.close();
                    }
                  },
                  limits.requestHeaderTimeout().toMillis(),
                  TimeUnit.MILLISECONDS);
    }
  }

  private void cancelHeadDeadline() {
    if (headDeadline != null) {
      headDeadline.cancel(false);
      headDeadline = null;
    }
  }

  /** In front of the codec: the first byte of a request head starts its deadline. */
  final class HeadClock extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes && bytes.isReadable() && awaitingHead && !upgraded) {
        startHeadDeadline(ctx);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
