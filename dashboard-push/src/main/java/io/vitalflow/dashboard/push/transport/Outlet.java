package io.vitalflow.dashboard.push.transport;

import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.dashboard.push.protocol.Frame;

/**
 * Where a {@link Connection}'s messages go: a Netty channel ({@link ChannelOutlet}) or a Reactor
 * stream ({@link FluxOutlet}). The connection calls everything but {@link #execute} from the
 * runnable it passed to {@link #execute}, one call at a time.
 */
interface Outlet {

  /** Runs the connection's drain where writes belong (the channel's event loop, or right here). */
  void execute(Runnable drain);

  /** Whether the transport takes another message now. */
  boolean ready();

  void write(Frame frame);

  /** After a batch of writes. */
  void flush();

  /** After the last message: ends the stream normally ({@code reason} says why). */
  void end(CloseReason reason);

  /** The client did not even read the closing message in time: cut it. */
  void cut(CloseReason reason);
}
