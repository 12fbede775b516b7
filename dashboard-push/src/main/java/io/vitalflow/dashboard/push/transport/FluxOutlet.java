package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;
import reactor.core.publisher.FluxSink;

/**
 * An outlet into a {@code Flux.create} sink: SSE, and the WebFlux WebSocket session. Cutting also
 * runs the transport's own cut (SSE closes its channel), so a client that stopped reading loses its
 * connection as a WebSocket one does.
 */
final class FluxOutlet implements Outlet {

  private final FluxSink<Frame> sink;
  private final Runnable cutTransport;

  FluxOutlet(FluxSink<Frame> sink, Runnable cutTransport) {
    this.sink = sink;
    this.cutTransport = cutTransport;
  }

  @Override
  public void execute(Runnable drain) {
    drain.run();
  }

  @Override
  public boolean ready() {
    return sink.requestedFromDownstream() > 0;
  }

  @Override
  public void write(Frame frame) {
    sink.next(frame);
  }

  @Override
  public void flush() {
    // the transport flushes what it is given
  }

  @Override
  public void end(CloseReason reason) {
    sink.complete();
  }

  @Override
  public void cut(CloseReason reason) {
    sink.error(new IllegalStateException("connection closed: " + reason.code()));
    cutTransport.run();
  }
}
